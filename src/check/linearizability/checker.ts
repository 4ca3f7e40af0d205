/**
 * Linearizability checking of register and key-value histories.
 *
 * A history is linearizable (Herlihy & Wing, "Linearizability: a correctness condition for
 * concurrent objects", TOPLAS 1990, §2) when every operation can be given a single point
 * between its invocation and its completion such that, in the order of those points, each
 * operation obeys the sequential register: reads see the latest write, `cas` succeeds exactly
 * when the value equals the expected one. Operations with an unknown outcome (`info`, or never
 * completed) may take effect at any point after their invocation, or never.
 *
 * The search (lin_search.ts, lin_frontier.ts) races two exact algorithms per key with growing
 * budgets: the depth-first Wing–Gong–Lowe search with memoisation, which finds linearizations
 * fast, and a breadth-first just-in-time search, which refutes fast wherever the violation is
 * and yields the minimal non-linearizable prefix directly.
 *
 * Guarantees:
 * - **Exact**: no false verdicts either way; if the search budget runs out the verdict is
 *   `unknown`, never a guess.
 * - **Per key** (P-compositionality, Horn & Kroening 2015; Herlihy & Wing §3.3 locality):
 *   keys are independent registers, so each key is checked on its own. Keys are checked in
 *   rounds of growing budgets (a cheap first round over every key), and the run stops at the
 *   first refuted key: the history's verdict is settled, and a hard key never holds up an
 *   easy refutation. Keys not decided by then are reported `unchecked`.
 * - **Explained**: a violation comes with the minimal non-linearizable prefix, the operation
 *   that cannot be linearized, the operations it conflicts with, a text and timeline data
 *   for `historyTimeline` (src/viz/history_timeline.ts).
 *
 * Non-goals: models other than registers (queues, sets), and histories whose processes have
 * several operations open at once (use one process id per logical client thread).
 *
 * @module
 */

import {
  HistoryError,
  type HistoryEventLike,
  type Operation,
  pairOperations,
  validateEvent,
} from "./history.ts";
import { type KeyCheckOptions, KeySchedule, runKeySchedule } from "./key_schedule.ts";
import { explainViolation, keyName, type Violation } from "./explain.ts";

/**
 * The data type the history is checked against. `register`: every key (or the single
 * unnamed register) is an independent register. `kv`: the same semantics, but every event
 * must name a key.
 */
export type Model = "register" | "kv";

/** Options of {@linkcode checkHistory}. */
export interface CheckOptions {
  /**
   * The model.
   * @default "register"
   */
  model?: Model;
  /**
   * Budget: the most configurations each of the two searches may explore on one key (and on
   * one prefix while explaining) before the verdict becomes `unknown`.
   * @default 2_000_000
   */
  maxStates?: number;
  /**
   * Check every key to a verdict even after one key was refuted. By default the run stops at
   * the first refuted key (the history's verdict is settled then) and the keys not decided
   * yet are reported `unchecked`.
   * @default false
   */
  checkAllKeys?: boolean;
  /**
   * Whether to explain a violation (minimal prefix, culprit, timeline). Explaining reruns the
   * search on the failing keys and looks for a witness order of the prefix before the culprit.
   * @default true
   */
  explain?: boolean;
  /**
   * The explanation's own budget: the most configurations each search may explore while
   * looking for the minimal prefix and a witness order. When it runs out, the explanation
   * says so (`violation.minimal` is false) and the verdict stands.
   * @default maxStates
   */
  explainMaxStates?: number;
}

/** The verdict: `unknown` only when the search budget was exceeded. */
export type Verdict = "linearizable" | "not-linearizable" | "unknown";

/**
 * The verdict for one key: `unchecked` when the run stopped (another key was refuted)
 * before this key was decided; `unknown` when its search ran to the budget.
 */
export type KeyVerdict = Verdict | "unchecked";

/** The verdict for one key. */
export interface KeyResult {
  /** The key, or `null` for the unnamed register. */
  key: string | number | null;
  verdict: KeyVerdict;
  /** Operations on this key (all outcomes). */
  operations: number;
  /** Distinct configurations the search explored. */
  statesExplored: number;
}

/** What {@linkcode checkHistory} returns: plain JSON-serialisable data. */
export interface CheckResult {
  verdict: Verdict;
  model: Model;
  /** Lines (events) in the history. */
  events: number;
  /** Operations (invocations) in the history. */
  operations: number;
  /** Per key, in order of first appearance. */
  keys: KeyResult[];
  /** Total configurations explored by the verdict searches. */
  statesExplored: number;
  /** For `unknown`: why (the budget, naming the key). */
  reason?: string;
  /** For `not-linearizable` (unless `explain: false`): the explanation. */
  violation?: Violation;
}

export type { Violation } from "./explain.ts";

const DEFAULT_MAX_STATES = 2_000_000;

/**
 * Checks a history for linearizability against a register (or per-key register) model.
 *
 * @param events The history, in real-time order (e.g. from `parseHistory`, or the client
 *   operations a simulation recorded); validated here.
 * @param options Model, search budget and whether to explain a violation.
 * @returns The verdict per key and overall, with an explanation when it is violated.
 * @throws {HistoryError} when the events are malformed (event `i` is reported as line `i+1`).
 * @throws {RangeError} when an option is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkHistory } from "./checker.ts";
 * const result = checkHistory([
 *   { process: 1, type: "invoke", f: "write", key: "x", value: 1 },
 *   { process: 1, type: "ok", f: "write", key: "x", value: 1 },
 *   { process: 2, type: "invoke", f: "read", key: "x" },
 *   { process: 2, type: "ok", f: "read", key: "x", value: null },
 * ]);
 * assert.ok(result.verdict === "not-linearizable");
 * assert.ok(result.violation?.prefixLength === 4);
 * ```
 */
export function checkHistory(
  events: readonly HistoryEventLike[],
  options: CheckOptions = {},
): CheckResult {
  const plan = planCheck(events, options);
  runKeySchedule(plan.keyOperations, plan.schedule, plan.keyOptions);
  return plan.finish();
}

/**
 * A history's check taken apart, for a caller that runs the keys' rounds elsewhere (the CLI's
 * workers): validated and partitioned by key, with the {@linkcode KeySchedule} to feed and
 * the function that builds the result once the schedule is over.
 */
export interface CheckPlan {
  /** Per key (in order of first appearance): its operations. */
  keyOperations: Operation[][];
  /** The rounds over the keys; feed it every result it asks for, in its order. */
  schedule: KeySchedule;
  /** What each key's checker needs (see {@linkcode runKeySchedule}). */
  keyOptions: KeyCheckOptions;
  /** Whether to go on after a refuted key. */
  checkAllKeys: boolean;
  /** The result, once `schedule.next()` is `undefined` (explaining a violation if asked). */
  finish(): CheckResult;
}

/**
 * Validates a history and plans its check: {@linkcode checkHistory} is `planCheck`, then
 * {@linkcode runKeySchedule} on the plan's schedule, then `finish()`. Whoever computes the
 * keys' rounds, the result is the same as long as the schedule is fed them in its order.
 *
 * @param events The history, in real-time order; validated here.
 * @param options As for {@linkcode checkHistory}.
 * @returns The plan.
 * @throws {HistoryError} when the events are malformed.
 * @throws {RangeError} when an option is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planCheck } from "./checker.ts";
 * import { runKeySchedule } from "./key_schedule.ts";
 * const plan = planCheck([
 *   { process: 1, type: "invoke", f: "read", key: "x" },
 *   { process: 1, type: "ok", f: "read", key: "x", value: 1 },
 * ], { explain: false });
 * runKeySchedule(plan.keyOperations, plan.schedule, plan.keyOptions);
 * assert.equal(plan.finish().verdict, "not-linearizable");
 * ```
 */
export function planCheck(
  events: readonly HistoryEventLike[],
  options: CheckOptions = {},
): CheckPlan {
  const model = options.model ?? "register";
  if (model !== "register" && model !== "kv") {
    throw new RangeError(`checkHistory: model must be "register" or "kv", got "${model}"`);
  }
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  if (!Number.isSafeInteger(maxStates) || maxStates < 1) {
    throw new RangeError(`checkHistory: maxStates must be an integer >= 1, got ${maxStates}`);
  }
  const explainMaxStates = options.explainMaxStates ?? maxStates;
  if (!Number.isSafeInteger(explainMaxStates) || explainMaxStates < 1) {
    throw new RangeError(
      `checkHistory: explainMaxStates must be an integer >= 1, got ${explainMaxStates}`,
    );
  }
  const validated = events.map((event, i) => validateEvent(event, i + 1));
  if (model === "kv") {
    const keyless = validated.findIndex((event) => event.key === undefined);
    if (keyless >= 0) {
      throw new HistoryError(keyless + 1, 'model kv needs a "key" on every event');
    }
  }
  const operations = pairOperations(validated);
  const byKey = partitionByKey(operations);
  const keyOperations = [...byKey.values()];
  const checkAllKeys = options.checkAllKeys ?? false;
  const schedule = new KeySchedule(keyOperations.length, { maxStates, checkAllKeys });
  // Without an explanation, a key the depth-first search refuted needs no minimal prefix; with
  // one, the prefix search is explanation work and gets the explanation's budget.
  const keyOptions = {
    maxStates,
    prefix: options.explain !== false,
    prefixMaxStates: explainMaxStates,
  };
  const finish = (): CheckResult => {
    if (schedule.next() !== undefined) {
      throw new Error("planCheck: finish() called before the schedule is over");
    }
    const names = [...byKey.keys()];
    const keys: KeyResult[] = keyOperations.map((list, i) => ({
      key: names[i],
      verdict: schedule.verdicts[i],
      operations: list.length,
      statesExplored: schedule.statesExplored[i],
    }));
    const failing = schedule.failing.map(({ key, check }) => ({
      operations: keyOperations[key],
      check,
    }));
    const unknownKeys = keys.filter((k) => k.verdict === "unknown").map((k) => k.key);
    const unknownReason = unknownKeys.length === 0 ? undefined : `Search budget exceeded: ` +
      `more than ${maxStates} states explored on ${
        unknownKeys.map(keyName).join(", ")
      }; raise maxStates`;
    const verdict: Verdict = failing.length > 0
      ? "not-linearizable"
      : unknownReason !== undefined
      ? "unknown"
      : "linearizable";
    const result: CheckResult = {
      verdict,
      model,
      events: validated.length,
      operations: operations.length,
      keys,
      statesExplored: keys.reduce((sum, k) => sum + k.statesExplored, 0),
    };
    if (verdict === "unknown") result.reason = unknownReason;
    if (verdict === "not-linearizable" && options.explain !== false) {
      result.violation = explainViolation(failing, explainMaxStates);
    }
    return result;
  };
  return { keyOperations, schedule, keyOptions, checkAllKeys, finish };
}

function partitionByKey(
  operations: readonly Operation[],
): Map<string | number | null, Operation[]> {
  const byKey = new Map<string | number | null, Operation[]>();
  for (const op of operations) {
    let list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, list = []);
    list.push(op);
  }
  return byKey;
}
