/**
 * The order in which a history's keys are checked: rounds of growing budgets over the keys
 * not yet decided, stopping at the first refuted key.
 *
 * Keys are independent (locality, Herlihy & Wing §3.3), so one refuted key settles the whole
 * history, and a key that needs the whole budget must not hold up the others: every round
 * gives each undecided key the same budget, four times the last round's, until the keys are
 * decided or the budget is `maxStates`. The verdicts stay exact: a key is linearizable or
 * refuted only on a finished search; one left open is `unchecked` (the run stopped) or
 * `unknown`.
 *
 * The schedule is data: it says which (key, round) result it needs next and is fed the
 * results in that order, so the outcome depends only on each key's own round results. A
 * caller may compute those anywhere and in any order (the CLI's workers, each running the
 * schedule of its own keys) and still report exactly what one thread would.
 *
 * @module
 */

import type { Operation } from "./history.ts";
import { type RegisterCheck, type RegisterChecker, registerChecker } from "./depth_first.ts";

/** Budget of the first round over the keys: cheap, and enough for most keys. */
export const FIRST_ROUND_STATES = 10_000;

/** One step of a {@linkcode KeySchedule}: check key `key` at `budget`, its round `round`. */
export interface KeyTask {
  /** The key's index in the history's order of first appearance. */
  key: number;
  /** 0 for the first round. */
  round: number;
  budget: number;
}

/** Options of {@linkcode KeySchedule}. */
export interface KeyScheduleOptions {
  /** The largest budget (the last round's). */
  maxStates: number;
  /**
   * Go on after a refuted key (every key to a verdict).
   * @default false
   */
  checkAllKeys?: boolean;
  /**
   * The keys to schedule, ascending.
   * @default every key, 0 to keyCount - 1
   */
  keys?: readonly number[];
}

/**
 * The rounds over a history's keys, as a sequence of tasks fed back their results.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeySchedule } from "./key_schedule.ts";
 * const schedule = new KeySchedule(2, { maxStates: 100_000 });
 * assert.deepEqual(schedule.next(), { key: 0, round: 0, budget: 10_000 });
 * schedule.record({ verdict: "unknown", statesExplored: 10_000 });
 * assert.deepEqual(schedule.next(), { key: 1, round: 0, budget: 10_000 });
 * schedule.record({ verdict: "not-linearizable", statesExplored: 7 });
 * assert.equal(schedule.next(), undefined); // key 1 settled the history
 * assert.deepEqual(schedule.verdicts, ["unchecked", "not-linearizable"]);
 * ```
 */
export class KeySchedule {
  /** Per key: its verdict so far (`unchecked` until decided). */
  readonly verdicts: ("linearizable" | "not-linearizable" | "unknown" | "unchecked")[];
  /** Per key: states explored in the rounds recorded. */
  readonly statesExplored: number[];
  /** The refuted keys with their checks, in the order they were recorded. */
  readonly failing: { key: number; check: RegisterCheck }[] = [];
  #maxStates: number;
  #checkAllKeys: boolean;
  #open: number[];
  #stillOpen: number[] = [];
  #position = 0;
  #round = 0;
  #budget: number;
  #done: boolean;

  /**
   * @param keyCount Keys in the history.
   * @param options The largest budget, whether to go on after a refuted key, which keys.
   */
  constructor(keyCount: number, options: KeyScheduleOptions) {
    if (!Number.isSafeInteger(options.maxStates) || options.maxStates < 1) {
      throw new RangeError(
        `KeySchedule: maxStates must be an integer >= 1, got ${options.maxStates}`,
      );
    }
    this.verdicts = new Array(keyCount).fill("unchecked");
    this.statesExplored = new Array(keyCount).fill(0);
    this.#maxStates = options.maxStates;
    this.#checkAllKeys = options.checkAllKeys ?? false;
    this.#open = [...(options.keys ?? this.verdicts.map((_, i) => i))];
    this.#budget = Math.min(FIRST_ROUND_STATES, options.maxStates);
    this.#done = this.#open.length === 0;
  }

  /** The task whose result is needed next, or `undefined` once the schedule is over. */
  next(): KeyTask | undefined {
    if (this.#done) return undefined;
    return { key: this.#open[this.#position], round: this.#round, budget: this.#budget };
  }

  /**
   * Records the result of the task {@linkcode KeySchedule.next} returned.
   *
   * @param check That key's round: its verdict at the budget and the states it explored.
   */
  record(check: RegisterCheck): void {
    if (this.#done) throw new Error("KeySchedule.record: the schedule is over");
    const key = this.#open[this.#position++];
    this.statesExplored[key] += check.statesExplored;
    const last = this.#budget === this.#maxStates;
    if (check.verdict === "unknown") {
      if (last) this.verdicts[key] = "unknown";
      else this.#stillOpen.push(key);
    } else {
      this.verdicts[key] = check.verdict;
      if (check.verdict === "not-linearizable") {
        this.failing.push({ key, check });
        if (!this.#checkAllKeys) {
          this.#done = true;
          return;
        }
      }
    }
    if (this.#position < this.#open.length) return;
    this.#open = this.#stillOpen;
    this.#stillOpen = [];
    this.#position = 0;
    this.#round++;
    this.#budget = Math.min(this.#budget * 4, this.#maxStates);
    this.#done = last || this.#open.length === 0;
  }
}

/** Options of {@linkcode runKeySchedule}: those of {@linkcode registerChecker}. */
export interface KeyCheckOptions {
  /** The largest budget, the schedule's `maxStates`. */
  maxStates: number;
  /** Find the minimal prefix of a key the depth-first search refuted (explanations need it). */
  prefix: boolean;
  /** The budget of that prefix search. */
  prefixMaxStates: number;
}

/**
 * Runs a schedule to its end on this thread, each key's rounds on its own
 * {@linkcode registerChecker} (kept across rounds, so its depth-first search resumes).
 *
 * @param lists Operations per key, by key index (only the scheduled keys are read).
 * @param schedule The schedule, fed every result.
 * @param options The checkers' options; `onResult`, told each task and its result; `until`,
 *   which stops the run before the first task it accepts (the schedule can be run on later);
 *   `checkers`, the keys' checkers, to pass again when running on, so searches resume.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KeySchedule, runKeySchedule } from "./key_schedule.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "read" },
 *   { process: 1, type: "ok", f: "read", value: 1 },
 * ]);
 * const schedule = new KeySchedule(1, { maxStates: 1000 });
 * runKeySchedule([ops], schedule, { maxStates: 1000, prefix: false, prefixMaxStates: 1000 });
 * assert.deepEqual(schedule.verdicts, ["not-linearizable"]);
 * ```
 */
export function runKeySchedule(
  lists: readonly (readonly Operation[])[],
  schedule: KeySchedule,
  options: KeyCheckOptions & {
    onResult?: (task: KeyTask, check: RegisterCheck) => void;
    until?: (task: KeyTask) => boolean;
    checkers?: Map<number, RegisterChecker>;
  },
): void {
  const checkers = options.checkers ?? new Map<number, RegisterChecker>();
  for (let task = schedule.next(); task !== undefined; task = schedule.next()) {
    if (options.until?.(task)) return;
    let checker = checkers.get(task.key);
    if (checker === undefined) {
      checker = registerChecker(lists[task.key], options.maxStates, options);
      checkers.set(task.key, checker);
    }
    const check = checker.round(task.budget);
    // A decided key's searches are not needed any more: let their memory go.
    if (check.verdict !== "unknown" || task.budget >= options.maxStates) {
      checkers.delete(task.key);
    }
    schedule.record(check);
    options.onResult?.(task, check);
  }
}
