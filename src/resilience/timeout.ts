/**
 * Timeouts with deadline propagation (the SRE book, ch. 22 "Addressing Cascading Failures",
 * "Latency and Deadlines"; gRPC deadlines): a call carries the absolute time its caller stops
 * waiting, each hop waits at most the smaller of its own timeout and what is left of that
 * deadline, and a hop whose deadline has passed drops the work instead of doing it for
 * nobody. Without it, a slow tail keeps every hop's workers busy long after the user left.
 *
 * Pure arithmetic over the caller's clock.
 *
 * @module
 */

/**
 * How long a hop should wait for its downstream call: its own `timeoutMs`, shortened to what
 * is left of the caller's `deadlineMs` (if any). Never negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callTimeoutMs } from "./timeout.ts";
 * assert.equal(callTimeoutMs(1000, { timeoutMs: 500 }), 500);
 * assert.equal(callTimeoutMs(1000, { timeoutMs: 500, deadlineMs: 1200 }), 200);
 * assert.equal(callTimeoutMs(1000, { timeoutMs: 500, deadlineMs: 900 }), 0);
 * ```
 */
export function callTimeoutMs(
  nowMs: number,
  options: { timeoutMs: number; deadlineMs?: number },
): number {
  const { timeoutMs, deadlineMs } = options;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`callTimeoutMs option timeoutMs must be > 0, got ${timeoutMs}`);
  }
  if (deadlineMs === undefined) return timeoutMs;
  return Math.max(0, Math.min(timeoutMs, deadlineMs - nowMs));
}

/**
 * Whether work that arrives at `nowMs` with `deadlineMs` is already too late to be worth doing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deadlineExpired } from "./timeout.ts";
 * assert.equal(deadlineExpired(10, 5), true);
 * assert.equal(deadlineExpired(10, undefined), false);
 * ```
 */
export function deadlineExpired(nowMs: number, deadlineMs: number | undefined): boolean {
  return deadlineMs !== undefined && nowMs >= deadlineMs;
}
