/**
 * Retry delays: capped exponential backoff without jitter, and with full, equal or
 * decorrelated jitter, as defined in Marc Brooker, "Exponential RetryBackoff And Jitter" (AWS
 * Architecture Blog, 2015):
 *
 * - exponential: `sleep = min(cap, base · 2^attempt)`
 * - full: `sleep = random_between(0, min(cap, base · 2^attempt))`
 * - equal: `temp = min(cap, base · 2^attempt); sleep = temp / 2 + random_between(0, temp / 2)`
 * - decorrelated: `sleep = min(cap, random_between(base, previous_sleep · 3))`, starting from
 *   `previous_sleep = base`
 *
 * Randomness is the caller's {@linkcode Random}; nothing here reads time.
 * Non-goals: deciding *whether* to retry (see `retry_budget.ts`) and how long to wait overall.
 *
 * @module
 */

import type { Random } from "../sim/mod.ts";

/** The jitter kinds; `none` is plain capped exponential backoff. */
export const JITTER_KINDS = ["none", "full", "equal", "decorrelated"] as const;

/** A jitter kind by name. */
export type JitterKind = (typeof JITTER_KINDS)[number];

/** Options of {@linkcode backoff}. */
export interface RetryBackoffOptions {
  /** The first delay's scale (`base`). @default 100 */
  baseMs?: number;
  /** No delay exceeds this (`cap`). @default 10_000 */
  capMs?: number;
  /** How to spread the delays. @default "full" */
  jitter?: JitterKind;
}

/** A stateful source of retry delays for one logical request. */
export interface RetryBackoff {
  /** The delay before retry number `attempt` (0 for the first retry). */
  nextDelayMs(random: Random): number;
  /** Starts over, for the next request. */
  reset(): void;
}

/**
 * Capped exponential delay for retry `attempt` (0-based): `min(cap, base · 2^attempt)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exponentialDelayMs } from "./backoff.ts";
 * assert.deepEqual([0, 1, 2, 10].map((a) => exponentialDelayMs(a, 100, 1000)), [100, 200, 400, 1000]);
 * ```
 */
export function exponentialDelayMs(attempt: number, baseMs: number, capMs: number): number {
  // 2^attempt overflows to Infinity for huge attempts; min() still caps it.
  return Math.min(capMs, baseMs * 2 ** attempt);
}

/**
 * A backoff with the chosen jitter. Validates its options (RangeError naming the option).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { retryBackoff } from "./backoff.ts";
 * const b = retryBackoff({ baseMs: 100, capMs: 1000, jitter: "equal" });
 * const random = new Random(1);
 * const delays = [0, 1, 2, 3, 4].map(() => b.nextDelayMs(random));
 * // Equal jitter keeps at least half of the exponential delay.
 * [100, 200, 400, 800, 1000].forEach((e, i) => assert.ok(delays[i] >= e / 2 && delays[i] <= e));
 * ```
 */
export function retryBackoff(options: RetryBackoffOptions = {}): RetryBackoff {
  const { baseMs = 100, capMs = 10_000, jitter = "full" } = options;
  if (!(baseMs > 0 && Number.isFinite(baseMs))) {
    throw new RangeError(`backoff option baseMs must be a finite number > 0, got ${baseMs}`);
  }
  if (!(capMs >= baseMs)) {
    throw new RangeError(`backoff option capMs must be ≥ baseMs (${baseMs}), got ${capMs}`);
  }
  if (!JITTER_KINDS.includes(jitter)) {
    throw new RangeError(
      `backoff option jitter must be one of ${JITTER_KINDS.join(", ")}, got ${jitter}`,
    );
  }
  let attempt = 0;
  let previousMs = baseMs;
  return {
    nextDelayMs(random: Random): number {
      const temp = exponentialDelayMs(attempt++, baseMs, capMs);
      switch (jitter) {
        case "none":
          return temp;
        case "full":
          return random.uniform(0, temp);
        case "equal":
          return temp / 2 + random.uniform(0, temp / 2);
        case "decorrelated":
          // Brooker: grows from the previous sleep rather than the attempt number, so
          // clients that collided once spread apart instead of staying in step.
          previousMs = Math.min(capMs, random.uniform(baseMs, previousMs * 3));
          return previousMs;
        default: {
          const never: never = jitter;
          throw new Error(`Unknown jitter ${never}`);
        }
      }
    },
    reset(): void {
      attempt = 0;
      previousMs = baseMs;
    },
  };
}
