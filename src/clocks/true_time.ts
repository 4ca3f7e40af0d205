/**
 * A TrueTime-style interval clock and Spanner's commit-wait.
 *
 * Source: J. C. Corbett et al., "Spanner: Google's Globally-Distributed Database", OSDI
 * 2012, §3 (TT.now() returns an interval [earliest, latest] guaranteed to contain absolute
 * time; TT.after(t), TT.before(t)) and §4.1.2 (commit wait: pick s ≥ TT.now().latest, then
 * wait until TT.after(s) before making the commit visible).
 *
 * Guarantee: if the local clock is within `ε` of true time, the interval contains true time,
 * and a transaction that commit-waits has a timestamp `s` between its true start and the
 * true time it becomes visible (external consistency). The price is the wait, ≈ `2ε`.
 * Non-goal: estimating ε (see `uncertaintyMs` and the synchronisation algorithms).
 *
 * @module
 */

import type { NodeClock } from "../sim/mod.ts";

/** What commit-wait needs of a clock: a wall reading and its rate (the kernel's NodeClock). */
export type RatedClock = Pick<NodeClock, "nowMs" | "rate">;

/** An interval that contains true time if the clock's error is within ε. */
export interface TrueTimeInterval {
  readonly earliestMs: number;
  readonly latestMs: number;
}

function assertEpsilon(epsilonMs: number): void {
  if (!Number.isFinite(epsilonMs) || epsilonMs < 0) {
    throw new RangeError(`TrueTime epsilonMs must be a finite number ≥ 0, got ${epsilonMs}`);
  }
}

/**
 * TT.now(): the local reading widened by ε on both sides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trueTimeNow } from "./true_time.ts";
 * assert.deepEqual(trueTimeNow(1000, 7), { earliestMs: 993, latestMs: 1007 });
 * ```
 */
export function trueTimeNow(localMs: number, epsilonMs: number): TrueTimeInterval {
  assertEpsilon(epsilonMs);
  return { earliestMs: localMs - epsilonMs, latestMs: localMs + epsilonMs };
}

/**
 * TT.after(t): true if `t` has definitely passed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trueTimeAfter } from "./true_time.ts";
 * assert.equal(trueTimeAfter(1000, 7, 995), false);
 * assert.equal(trueTimeAfter(1000, 7, 992), true);
 * ```
 */
export function trueTimeAfter(localMs: number, epsilonMs: number, tMs: number): boolean {
  return trueTimeNow(localMs, epsilonMs).earliestMs > tMs;
}

/**
 * TT.before(t): true if `t` has definitely not arrived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trueTimeBefore } from "./true_time.ts";
 * assert.equal(trueTimeBefore(1000, 7, 1008), true);
 * ```
 */
export function trueTimeBefore(localMs: number, epsilonMs: number, tMs: number): boolean {
  return trueTimeNow(localMs, epsilonMs).latestMs < tMs;
}

/** What a commit-wait cost and guaranteed. */
export interface CommitWaitResult {
  /** The commit timestamp s = TT.now().latest at the start. */
  readonly commitTimestampMs: number;
  /** True time when the commit started. */
  readonly startTrueMs: number;
  /** First true time at which TT.after(s) holds: when the commit may become visible. */
  readonly visibleTrueMs: number;
  /** visibleTrueMs − startTrueMs: the latency commit-wait adds, ≈ 2ε. */
  readonly waitMs: number;
}

/**
 * Runs Spanner's commit-wait against a node's clock: `s = TT.now().latest` at `startTrueMs`,
 * then wait until `TT.after(s)`, i.e. until the wall clock passes `s + ε`. Assumes no clock
 * step or rate change during the wait.
 *
 * @param clock The node's physical clock.
 * @param options `epsilonMs`, the uncertainty bound; `startTrueMs`, when the commit starts.
 * @returns The timestamp, the true visibility time and the wait.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NodeClock } from "../sim/mod.ts";
 * import { commitWait } from "./true_time.ts";
 * const result = commitWait(new NodeClock({ offsetMs: 2 }), { epsilonMs: 5, startTrueMs: 100 });
 * assert.equal(result.commitTimestampMs, 107);
 * assert.equal(result.waitMs, 10); // 2ε
 * ```
 */
export function commitWait(
  clock: RatedClock,
  options: { epsilonMs: number; startTrueMs: number },
): CommitWaitResult {
  const { epsilonMs, startTrueMs } = options;
  assertEpsilon(epsilonMs);
  const startLocalMs = clock.nowMs(startTrueMs);
  const commitTimestampMs = trueTimeNow(startLocalMs, epsilonMs).latestMs;
  // Solve nowMs(t) = s + ε on the clock's current linear segment: 2ε of local time.
  const visibleTrueMs = startTrueMs + (commitTimestampMs + epsilonMs - startLocalMs) / clock.rate;
  return {
    commitTimestampMs,
    startTrueMs,
    visibleTrueMs,
    waitMs: visibleTrueMs - startTrueMs,
  };
}

/**
 * The uncertainty bound a node can claim `elapsedMs` after a synchronisation that left it
 * within `errorBoundMs` of the reference, if its drift is at most `maxDriftPpm`: the error
 * grows linearly between syncs (the sawtooth of TrueTime's ε, Spanner §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uncertaintyMs } from "./true_time.ts";
 * assert.equal(uncertaintyMs(1, 30_000, 200), 7); // 1 ms + 30 s at 200 ppm
 * ```
 */
export function uncertaintyMs(
  errorBoundMs: number,
  elapsedMs: number,
  maxDriftPpm: number,
): number {
  return errorBoundMs + Math.abs(elapsedMs) * Math.abs(maxDriftPpm) / 1e6;
}
