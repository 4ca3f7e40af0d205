/**
 * Recordings as data: what the simulation player replays, what a permalink carries and what
 * a counterexample from the fault-schedule search turns into.
 *
 * The exchange format for counterexamples (shared with the search, `src/check/`) is plain
 * JSON: `{ experiment, seed, params, faults, untilMs? }`, where `experiment` names a
 * {@linkcode PlayerScenario} and `faults` is a kernel fault schedule. Nothing else is shared.
 *
 * Permalinks are unpadded base64url JSON in two versions that both stay readable: version 1
 * is a recording plus an optional `cursor` ({@linkcode encodeRecording}, what
 * {@linkcode playerLink} makes); version 2 (`{v: 2, ...}`, {@linkcode encodePlayerSession})
 * adds every fork as `[from, afterEvent, verb, node?, value?]`, the branch on screen and its
 * cursor. A verb rather than its faults keeps a link with three forks under 400 characters.
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

/** Most branches a player session (and so a permalink) holds; a limit keeps links bounded. */
export const MAX_SESSION_BRANCHES = 64;

/**
 * A reader's change at a fork: a verb of {@linkcode FAULT_VERBS} (short in a link, and
 * readable as a label) or, for forks made in code, the raw faults.
 */
export type BranchChange =
  | { verb: string; node?: string; value?: number }
  | { faults: FaultAction[] };

/** How one branch came about: forked from an earlier branch at an event index. */
export interface BranchPoint {
  /** Index of the branch it was forked from: 0 is main, `i` is `branches[i - 1]`. */
  from: number;
  /** The fork point in the parent's tape (a step boundary, as `ForkPoint.afterEvent`). */
  afterEvent: number;
  change: BranchChange;
}

/**
 * Everything on a player's screen: main, every fork made from it (and from forks), which
 * branch is shown and its cursor. What a permalink restores.
 */
export interface PlayerSession {
  /** The main run (its own `forks` are those of an old link that restored a fork as main). */
  main: Recording;
  /** Forks in the order they were made; each one's `from` is an earlier branch. */
  branches: BranchPoint[];
  /** The branch on screen: 0 is main, `i` is `branches[i - 1]`. */
  shown: number;
  /** The shown branch's cursor. */
  cursor?: number;
}

// The link format's version tag: version 1 links are a bare recording (plus `cursor`).
const SESSION_VERSION = 2;

function validateChange(change: unknown, where: string): BranchChange {
  const c = change as Record<string, unknown> | null;
  if (c !== null && typeof c === "object" && Array.isArray(c.faults)) {
    for (const fault of c.faults) {
      if (!FAULT_KINDS.includes((fault as Fault)?.kind)) {
        throw new RangeError(`${where} has a fault of unknown kind: ${JSON.stringify(fault)}`);
      }
    }
    return { faults: structuredClone(c.faults as FaultAction[]) };
  }
  if (c === null || typeof c !== "object" || typeof c.verb !== "string" || c.verb === "") {
    throw new RangeError(`${where} change must be a verb or faults, got ${JSON.stringify(c)}`);
  }
  if (c.node !== undefined && typeof c.node !== "string") {
    throw new RangeError(`${where} node must be a node name, got ${JSON.stringify(c.node)}`);
  }
  if (c.value !== undefined && !Number.isFinite(c.value)) {
    throw new RangeError(`${where} value must be a number, got ${JSON.stringify(c.value)}`);
  }
  return {
    verb: c.verb,
    ...(c.node === undefined ? {} : { node: c.node as string }),
    ...(c.value === undefined ? {} : { value: c.value as number }),
  };
}

/**
 * Checks a session's shape (each branch forks from an earlier one, the shown branch exists)
 * and returns a normalised copy. Whether a verb exists and a fork point lies on the parent's
 * tape is the player model's check, when it replays the session. Throws a RangeError naming
 * the bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validatePlayerSession } from "./recording.ts";
 * const main = { scenario: "heartbeat", seed: 1, params: {}, faults: [] };
 * const branch = { from: 0, afterEvent: 40, change: { verb: "crash", node: "n2" } };
 * assert.equal(validatePlayerSession({ main, branches: [branch], shown: 1 }).shown, 1);
 * assert.throws(
 *   () => validatePlayerSession({ main, branches: [{ ...branch, from: 1 }], shown: 0 }),
 *   /from must be an earlier branch/,
 * );
 * ```
 */
export function validatePlayerSession(input: unknown): PlayerSession {
  if (typeof input !== "object" || input === null) {
    throw new RangeError(`Player session must be an object, got ${JSON.stringify(input)}`);
  }
  const s = input as Record<string, unknown>;
  const main = validateRecording(s.main);
  const branches = s.branches ?? [];
  if (!Array.isArray(branches) || branches.length > MAX_SESSION_BRANCHES) {
    throw new RangeError(
      `Player session field branches must be an array of at most ${MAX_SESSION_BRANCHES}`,
    );
  }
  const checked = branches.map((b, i): BranchPoint => {
    const where = `Player session branch ${i + 1}`;
    const from = (b as BranchPoint)?.from, afterEvent = (b as BranchPoint)?.afterEvent;
    if (!(Number.isInteger(from) && from >= 0 && from <= i)) {
      throw new RangeError(
        `${where} from must be an earlier branch (0 to ${i}), got ${JSON.stringify(from)}`,
      );
    }
    if (!(Number.isInteger(afterEvent) && afterEvent >= 0)) {
      throw new RangeError(
        `${where} afterEvent must be an integer >= 0, got ${JSON.stringify(afterEvent)}`,
      );
    }
    return { from, afterEvent, change: validateChange((b as BranchPoint).change, where) };
  });
  const shown = s.shown ?? 0;
  if (!(Number.isInteger(shown) && (shown as number) >= 0 && (shown as number) <= checked.length)) {
    throw new RangeError(
      `Player session field shown must be a branch index (0 to ${checked.length}), got ${
        JSON.stringify(shown)
      }`,
    );
  }
  if (s.cursor !== undefined && !(Number.isInteger(s.cursor) && (s.cursor as number) >= 0)) {
    throw new RangeError(
      `Player session field cursor must be an integer >= 0, got ${JSON.stringify(s.cursor)}`,
    );
  }
  return {
    main,
    branches: checked,
    shown: shown as number,
    ...(s.cursor === undefined ? {} : { cursor: s.cursor as number }),
  };
}

// A branch on the wire, positional to keep links short:
// `[from, afterEvent, verb, node?, value?]` (node `null` when the verb takes none) or
// `[from, afterEvent, faults]` for raw faults.
type WireBranch = [number, number, string | FaultAction[], (string | null)?, number?];

function branchToWire(branch: BranchPoint): WireBranch {
  const { from, afterEvent, change } = branch;
  if ("faults" in change) return [from, afterEvent, change.faults];
  if (change.value !== undefined) {
    return [from, afterEvent, change.verb, change.node ?? null, change.value];
  }
  return change.node === undefined
    ? [from, afterEvent, change.verb]
    : [from, afterEvent, change.verb, change.node];
}

function branchFromWire(wire: unknown): unknown {
  if (!Array.isArray(wire)) return wire;
  const [from, afterEvent, what, node, value] = wire as WireBranch;
  const change = Array.isArray(what) ? { faults: what } : {
    verb: what,
    ...(node === undefined || node === null ? {} : { node }),
    ...(value === undefined ? {} : { value }),
  };
  return { from, afterEvent, change };
}

/**
 * Encodes a player session for a URL hash (link format version 2): main's recording, every
 * branch as `[from, afterEvent, verb, node?, value?]`, the shown branch and its cursor.
 * A session without branches encodes exactly as a version 1 link
 * ({@linkcode encodeRecording}), so such links stay as short as before.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePlayerSession, encodePlayerSession } from "./recording.ts";
 * const session = {
 *   main: { scenario: "heartbeat", seed: 3, params: {}, faults: [] },
 *   branches: [{ from: 0, afterEvent: 120, change: { verb: "crash", node: "n1" } }],
 *   shown: 1,
 *   cursor: 121,
 * };
 * const text = encodePlayerSession(session);
 * assert.equal(decodePlayerSession(text).branches[0].afterEvent, 120);
 * assert.equal(decodePlayerSession(text).shown, 1);
 * ```
 */
export function encodePlayerSession(session: PlayerSession): string {
  const checked = validatePlayerSession(session);
  if (checked.branches.length === 0) return encodeRecording(checked.main, checked.cursor);
  const { main, branches, shown, cursor } = checked;
  // Empty defaults are left out: they are what a decoder assumes.
  const { forks, ...rest } = main;
  const compactMain = {
    ...rest,
    ...(Object.keys(main.params).length ? {} : { params: undefined }),
    ...(main.faults.length ? {} : { faults: undefined }),
    ...(forks?.length ? { forks } : {}),
  };
  return toBase64Url(JSON.stringify({
    v: SESSION_VERSION,
    r: compactMain,
    b: branches.map(branchToWire),
    ...(shown === 0 ? {} : { s: shown }),
    ...(cursor === undefined ? {} : { c: cursor }),
  }));
}

/**
 * Decodes a permalink's text: a version 2 session ({@linkcode encodePlayerSession}) or a
 * version 1 link (a bare recording, {@linkcode encodeRecording}), which opens as main alone.
 * Throws a RangeError on malformed text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePlayerSession, encodeRecording } from "./recording.ts";
 * const old = encodeRecording({ scenario: "heartbeat", seed: 2, params: {}, faults: [] }, 40);
 * const session = decodePlayerSession(old);
 * assert.deepEqual([session.branches.length, session.shown, session.cursor], [0, 0, 40]);
 * assert.throws(() => decodePlayerSession("%%%"), /Player link is malformed/);
 * ```
 */
export function decodePlayerSession(text: string): PlayerSession {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(fromBase64Url(text));
  } catch {
    throw new RangeError("Player link is malformed: cannot decode the recording");
  }
  if (parsed?.v === undefined) {
    const { recording, cursor } = decodeRecording(text);
    return { main: recording, branches: [], shown: 0, ...(cursor === undefined ? {} : { cursor }) };
  }
  if (parsed.v !== SESSION_VERSION) {
    throw new RangeError(
      `Player link has format version ${
        JSON.stringify(parsed.v)
      }; this page reads versions 1 and ${SESSION_VERSION}`,
    );
  }
  const branches = parsed.b ?? [];
  return validatePlayerSession({
    main: parsed.r,
    branches: Array.isArray(branches) ? branches.map(branchFromWire) : branches,
    shown: parsed.s,
    cursor: parsed.c,
  });
}
