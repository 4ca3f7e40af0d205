/**
 * Recordings as data: what the simulation player replays, what a permalink carries and what
 * a counterexample from the fault-schedule search turns into.
 *
 * The exchange format for counterexamples (shared with the search, `src/check/`) is plain
 * JSON: `{ experiment, seed, params, faults, untilMs? }`, where `experiment` names a
 * {@linkcode PlayerScenario} and `faults` is a kernel fault schedule. Nothing else is shared.
 *
 * @module
 */

import type { Fault } from "../sim/faults.ts";
import { FAULT_KINDS } from "../sim/faults.ts";
import type { TraceEvent } from "../sim/trace.ts";

/** A fault without its time: the player applies it at the moment of a fork. */
export type FaultAction = Fault extends infer F ? F extends Fault ? Omit<F, "atMs"> : never
  : never;

/** A what-if: after trace event `afterEvent`, apply `faults` at once, then continue. */
export interface ForkPoint {
  /** Number of trace events before the fork (always at a step boundary of the run). */
  afterEvent: number;
  /** Faults and knob changes (`{kind: "network", set: {...}}`) applied at that moment. */
  faults: FaultAction[];
}

/** Everything needed to reproduce a run exactly: the player's input and a permalink's content. */
export interface Recording {
  /** Name of a {@linkcode PlayerScenario}. */
  scenario: string;
  seed: number;
  /** Scenario parameters; missing ones take their defaults. */
  params: Record<string, unknown>;
  /** The fault schedule, in true time. */
  faults: Fault[];
  /** Where the run stops; the scenario's default when absent. */
  untilMs?: number;
  /** Forks applied in order, each at an event index of the run so far. */
  forks?: ForkPoint[];
}

/** A failing run found by a search, in the exchange format (see the module doc). */
export interface Counterexample {
  /** The scenario (player) or experiment name the run belongs to. */
  experiment: string;
  seed: number;
  params: Record<string, unknown>;
  faults: Fault[];
  untilMs?: number;
}

/**
 * Checks a recording's shape (not its scenario or nodes, which the player checks) and
 * returns a normalised copy. Throws a RangeError naming the bad field.
 *
 * @example
 * ```ts
 * import { validateRecording } from "./recording.ts";
 * const r = validateRecording({ scenario: "heartbeat", seed: 1, params: {}, faults: [] });
 * if (r.forks?.length !== 0) throw new Error("forks default to []");
 * ```
 */
export function validateRecording(input: unknown): Recording {
  if (typeof input !== "object" || input === null) {
    throw new RangeError(`Recording must be an object, got ${JSON.stringify(input)}`);
  }
  const r = input as Record<string, unknown>;
  if (typeof r.scenario !== "string" || r.scenario === "") {
    throw new RangeError(
      `Recording field scenario must be a scenario name, got ${JSON.stringify(r.scenario)}`,
    );
  }
  if (!Number.isSafeInteger(r.seed)) {
    throw new RangeError(`Recording field seed must be an integer, got ${JSON.stringify(r.seed)}`);
  }
  const params = r.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new RangeError(`Recording field params must be an object, got ${JSON.stringify(params)}`);
  }
  const faults = r.faults ?? [];
  if (!Array.isArray(faults)) {
    throw new RangeError(`Recording field faults must be an array, got ${JSON.stringify(faults)}`);
  }
  for (const fault of faults) {
    if (!FAULT_KINDS.includes((fault as Fault)?.kind)) {
      throw new RangeError(`Recording fault has unknown kind: ${JSON.stringify(fault)}`);
    }
  }
  if (r.untilMs !== undefined && !(typeof r.untilMs === "number" && r.untilMs > 0)) {
    throw new RangeError(
      `Recording field untilMs must be a number > 0, got ${JSON.stringify(r.untilMs)}`,
    );
  }
  const forks = r.forks ?? [];
  if (!Array.isArray(forks)) {
    throw new RangeError(`Recording field forks must be an array, got ${JSON.stringify(forks)}`);
  }
  let previous = 0;
  for (const fork of forks as ForkPoint[]) {
    if (!(Number.isInteger(fork?.afterEvent) && fork.afterEvent >= previous)) {
      throw new RangeError(
        `Recording fork afterEvent must be an integer >= ${previous} (forks in order), got ${
          JSON.stringify(fork?.afterEvent)
        }`,
      );
    }
    if (!Array.isArray(fork.faults)) {
      throw new RangeError(
        `Recording fork faults must be an array, got ${JSON.stringify(fork.faults)}`,
      );
    }
    previous = fork.afterEvent;
  }
  return {
    scenario: r.scenario,
    seed: r.seed as number,
    params: { ...(params as Record<string, unknown>) },
    faults: structuredClone(faults as Fault[]),
    ...(r.untilMs === undefined ? {} : { untilMs: r.untilMs as number }),
    forks: structuredClone(forks as ForkPoint[]),
  };
}

/**
 * Turns a counterexample from a search into a recording.
 *
 * @example
 * ```ts
 * import { counterexampleToRecording } from "./recording.ts";
 * const r = counterexampleToRecording({ experiment: "heartbeat", seed: 3, params: {}, faults: [] });
 * if (r.scenario !== "heartbeat") throw new Error("experiment names the scenario");
 * ```
 */
export function counterexampleToRecording(counterexample: Counterexample): Recording {
  const { experiment, seed, params, faults, untilMs } = counterexample;
  return validateRecording({ scenario: experiment, seed, params, faults, untilMs });
}

/**
 * Encodes text (UTF-8) as unpadded base64url, safe in a URL hash: the one encoding behind
 * player permalinks and shared cells.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromBase64Url, toBase64Url } from "./recording.ts";
 * assert.equal(toBase64Url("ok?"), "b2s_");
 * assert.equal(fromBase64Url(toBase64Url("λ → ✓")), "λ → ✓");
 * ```
 */
export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes {@linkcode toBase64Url}'s output (padding optional); throws on malformed input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromBase64Url } from "./recording.ts";
 * assert.equal(fromBase64Url("b2s_"), "ok?");
 * assert.throws(() => fromBase64Url("%%%"));
 * ```
 */
export function fromBase64Url(text: string): string {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/**
 * Encodes a recording (and optionally the player's cursor) for a URL hash.
 *
 * @example
 * ```ts
 * import { decodeRecording, encodeRecording } from "./recording.ts";
 * const text = encodeRecording({ scenario: "heartbeat", seed: 2, params: {}, faults: [] }, 40);
 * const back = decodeRecording(text);
 * if (back.recording.seed !== 2 || back.cursor !== 40) throw new Error("round trip");
 * ```
 */
export function encodeRecording(recording: Recording, cursor?: number): string {
  const payload = cursor === undefined ? recording : { ...recording, cursor };
  return toBase64Url(JSON.stringify(payload));
}

/** Decodes {@linkcode encodeRecording}'s output; throws a RangeError on malformed text. */
export function decodeRecording(text: string): { recording: Recording; cursor?: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(text));
  } catch {
    throw new RangeError("Player link is malformed: cannot decode the recording");
  }
  const cursor = (parsed as { cursor?: unknown })?.cursor;
  const recording = validateRecording(parsed);
  return Number.isInteger(cursor) ? { recording, cursor: cursor as number } : { recording };
}

/** The URL hash key the player page reads. */
export const PLAYER_HASH_KEY = "player";

/**
 * A link that opens a counterexample (or any recording) in the player page.
 *
 * @param run A counterexample (`{experiment, ...}`) or a recording (`{scenario, ...}`).
 * @param options `base`: the player page URL; the default is relative to a page of the site, with
 *   the `.html` extension, so the link works from any static file server.
 *   @default "./playground.html"
 * @returns e.g. `./playground.html#player=eyJzY2VuYXJpbyI6...`
 *
 * @example
 * ```ts
 * import { playerLink } from "./recording.ts";
 * const url = playerLink({ experiment: "heartbeat", seed: 7, params: {}, faults: [{ atMs: 300, kind: "crash", node: "n2" }] });
 * if (!url.startsWith("./playground.html#player=")) throw new Error(url);
 * ```
 */
export function playerLink(
  run: Counterexample | Recording,
  options: { base?: string; cursor?: number } = {},
): string {
  const recording = "experiment" in run ? counterexampleToRecording(run) : validateRecording(run);
  const base = options.base ?? "./playground.html";
  return `${base}#${PLAYER_HASH_KEY}=${encodeRecording(recording, options.cursor)}`;
}

/**
 * The faults a run actually applied, read from its trace, as a schedule that replays them:
 * what a search turns into a counterexample when its nemesis speaks in relative verbs
 * ("crash the leader"), since the trace records the concrete fault ("crash n2") and its time.
 *
 * @example
 * ```ts
 * import { faultsFromTrace } from "./recording.ts";
 * const faults = faultsFromTrace([
 *   { t: 120, kind: "fault", fault: { atMs: 120, kind: "crash", node: "n2" } },
 *   { t: 121, kind: "crash", node: "n2" },
 * ]);
 * if (faults.length !== 1 || faults[0].atMs !== 120) throw new Error("one crash at 120 ms");
 * ```
 */
export function faultsFromTrace(events: readonly TraceEvent[]): Fault[] {
  return events.flatMap((e) => e.kind === "fault" ? [{ ...e.fault, atMs: e.t } as Fault] : []);
}
