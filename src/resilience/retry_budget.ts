/**
 * A retry budget in the style of Finagle's `RetryBudget` (and the SRE book, ch. 22 "Addressing
 * Cascading Failures": "a per-client retry budget"): retries may add at most `ratio` extra load
 * on top of the requests sent over the last `windowMs`, plus a small reserve
 * (`minRetriesPerSecond`) so a quiet client can still retry. When a dependency fails outright,
 * retries then amplify load by at most `1 + ratio` instead of by the number of attempts.
 *
 * Time is the caller's (`nowMs`); the window slides a bucket at a time (10 buckets).
 * Non-goals: per-endpoint budgets, gRPC's token-based throttling.
 *
 * @module
 */

/** Options of {@linkcode RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per request sent in the window. @default 0.1 */
  ratio?: number;
  /** Retries allowed per second regardless of traffic. @default 1 */
  minRetriesPerSecond?: number;
  /** How far back requests and retries count. @default 10_000 */
  windowMs?: number;
}

const BUCKETS = 10;

/**
 * Counts requests and retries in a sliding window and says whether one more retry fits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RetryBudget } from "./retry_budget.ts";
 * const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, windowMs: 1000 });
 * for (let i = 0; i < 10; i++) budget.recordRequest(i);
 * assert.equal([1, 2, 3].map((i) => budget.tryRetry(10 + i)).filter(Boolean).length, 2);
 * ```
 */
export class RetryBudget {
  readonly ratio: number;
  readonly minRetriesPerSecond: number;
  readonly windowMs: number;
  #buckets = Array.from({ length: BUCKETS }, () => ({ epoch: -1, requests: 0, retries: 0 }));

  constructor(options: RetryBudgetOptions = {}) {
    const { ratio = 0.1, minRetriesPerSecond = 1, windowMs = 10_000 } = options;
    if (!(ratio >= 0 && Number.isFinite(ratio))) {
      throw new RangeError(`RetryBudget option ratio must be a finite number ≥ 0, got ${ratio}`);
    }
    if (!(minRetriesPerSecond >= 0 && Number.isFinite(minRetriesPerSecond))) {
      throw new RangeError(
        `RetryBudget option minRetriesPerSecond must be a finite number ≥ 0, got ${minRetriesPerSecond}`,
      );
    }
    if (!(windowMs > 0 && Number.isFinite(windowMs))) {
      throw new RangeError(
        `RetryBudget option windowMs must be a finite number > 0, got ${windowMs}`,
      );
    }
    this.ratio = ratio;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.windowMs = windowMs;
  }

  #bucket(nowMs: number) {
    const epoch = Math.floor(nowMs / (this.windowMs / BUCKETS));
    const b = this.#buckets[epoch % BUCKETS];
    if (b.epoch !== epoch) Object.assign(b, { epoch, requests: 0, retries: 0 });
    return b;
  }

  /** Requests and retries in the window ending at `nowMs`. */
  counts(nowMs: number): { requests: number; retries: number } {
    const current = Math.floor(nowMs / (this.windowMs / BUCKETS));
    let requests = 0;
    let retries = 0;
    for (const b of this.#buckets) {
      if (b.epoch > current - BUCKETS && b.epoch <= current) {
        requests += b.requests;
        retries += b.retries;
      }
    }
    return { requests, retries };
  }

  /** Records a first attempt (not a retry) at `nowMs`. */
  recordRequest(nowMs: number): void {
    this.#bucket(nowMs).requests++;
  }

  /** Says whether a retry at `nowMs` fits the budget, and if so spends it. */
  tryRetry(nowMs: number): boolean {
    const { requests, retries } = this.counts(nowMs);
    const allowance = this.ratio * requests + this.minRetriesPerSecond * this.windowMs / 1000;
    if (retries + 1 > allowance) return false;
    this.#bucket(nowMs).retries++;
    return true;
  }
}
