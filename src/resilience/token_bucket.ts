/**
 * A token-bucket rate limiter (Turner, "New directions in communications", 1986; the
 * algorithm of RFC 2697's single-rate meter without colours): a bucket holds at most `burst`
 * tokens, gains `ratePerSecond` tokens per second, and a request is admitted only if it can
 * take its tokens. Over any interval of length `t` from the start, it admits at most
 * `burst + rate · t` tokens' worth ({@linkcode tokenBucketBound} checks it).
 *
 * Time is the caller's (`nowMs`, never decreasing); nothing here reads a clock.
 * Non-goals: distributed limiting (one bucket per process), queuing delayed requests.
 *
 * @module
 */

/** Options of {@linkcode TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the largest burst admitted at once. @default ratePerSecond (one second's worth) */
  burst?: number;
  /** Tokens at the start. @default burst */
  initialTokens?: number;
}

/**
 * A token bucket.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenBucket } from "./token_bucket.ts";
 * const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 });
 * assert.deepEqual([0, 0, 0].map((t) => bucket.tryAcquire(t)), [true, true, false]);
 * assert.equal(bucket.tryAcquire(100), true); // 100 ms at 10/s refilled one token
 * ```
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  #tokens: number;
  #lastMs = 0;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond } = options;
    if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
      throw new RangeError(
        `TokenBucket option ratePerSecond must be a finite number > 0, got ${ratePerSecond}`,
      );
    }
    const burst = options.burst ?? ratePerSecond;
    if (!(burst >= 1 && Number.isFinite(burst))) {
      throw new RangeError(`TokenBucket option burst must be a finite number ≥ 1, got ${burst}`);
    }
    const initial = options.initialTokens ?? burst;
    if (!(initial >= 0 && initial <= burst)) {
      throw new RangeError(
        `TokenBucket option initialTokens must be in [0, ${burst}], got ${initial}`,
      );
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#tokens = initial;
  }

  /** Tokens available at `nowMs` (refilled, not taken). */
  tokens(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens;
  }

  #refill(nowMs: number): void {
    if (nowMs < this.#lastMs) {
      throw new RangeError(`TokenBucket time went backwards: ${nowMs} < ${this.#lastMs}`);
    }
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + (nowMs - this.#lastMs) * this.ratePerSecond / 1000,
    );
    this.#lastMs = nowMs;
  }

  /** Takes `count` tokens at `nowMs` if there are enough; says whether it did. */
  tryAcquire(nowMs: number, count = 1): boolean {
    if (!(count > 0)) {
      throw new RangeError(`TokenBucket.tryAcquire count must be > 0, got ${count}`);
    }
    this.#refill(nowMs);
    // A small tolerance keeps float refills (0.1 + 0.2 ...) from refusing a whole token.
    if (this.#tokens + 1e-9 < count) return false;
    this.#tokens = Math.max(0, this.#tokens - count);
    return true;
  }
}
