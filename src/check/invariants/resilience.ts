/**
 * Invariants of the resilience patterns, as functions over what the patterns report: the
 * circuit breaker's event log ({@linkcode BreakerEvent}) and a rate limiter's admissions.
 * Each returns `null` when the invariant holds and a sentence naming the first violation
 * otherwise, so tests, the property search, experiments and pages share one wording.
 *
 * - Half-open admits a bounded number of probes (resilience4j's
 *   permittedNumberOfCallsInHalfOpenState; Nygard: "let *a* request through").
 * - Open rejects without calling.
 * - A token bucket never admits more than `burst + rate · t` in any interval of length `t`.
 *
 * @module
 */

import type { BreakerEvent } from "../../resilience/mod.ts";

/**
 * Checks that no half-open period admitted more than `limit` probes: permits handed out since
 * entering half-open, minus permits given back, never exceed `limit` — so no more than `limit`
 * probes are ever in flight either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { halfOpenProbesBounded } from "./resilience.ts";
 * const events = [
 *   { kind: "transition", atMs: 0, from: "open", to: "half-open" },
 *   { kind: "permitted", atMs: 1, state: "half-open" },
 *   { kind: "permitted", atMs: 2, state: "half-open" },
 * ] as const;
 * assert.equal(halfOpenProbesBounded(events, 2), null);
 * assert.match(halfOpenProbesBounded(events, 1) ?? "", /admitted 2 probes/);
 * ```
 */
export function halfOpenProbesBounded(
  events: readonly BreakerEvent[],
  limit: number,
): string | null {
  let admitted = 0;
  for (const e of events) {
    if (e.kind === "transition") admitted = 0;
    else if (e.state !== "half-open") continue;
    else if (e.kind === "permitted") admitted++;
    else if (e.kind === "released") admitted--;
    if (admitted > limit) {
      return `Half-open breaker admitted ${admitted} probes by ${e.atMs} ms, limit ${limit}`;
    }
  }
  return null;
}

/**
 * Checks that an open breaker never let a call through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openRejectsWithoutCalling } from "./resilience.ts";
 * assert.equal(openRejectsWithoutCalling([{ kind: "rejected", atMs: 1, state: "open" }]), null);
 * assert.match(
 *   openRejectsWithoutCalling([{ kind: "permitted", atMs: 1, state: "open" }]) ?? "",
 *   /Open breaker let a call through at 1 ms/,
 * );
 * ```
 */
export function openRejectsWithoutCalling(events: readonly BreakerEvent[]): string | null {
  for (const e of events) {
    if (e.kind === "permitted" && e.state === "open") {
      return `Open breaker let a call through at ${e.atMs} ms`;
    }
  }
  return null;
}

/**
 * Checks that admissions at times `admittedAtMs` (non-decreasing) never exceed
 * `burst + ratePerSecond · t / 1000` over any interval of length `t`. Linear time: with
 * `g(k) = k − rate · t_k`, the worst interval ending at `j` is `g(j) − min_{i ≤ j} g(i) + 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenBucketBound } from "./resilience.ts";
 * assert.equal(tokenBucketBound([0, 0, 100], { ratePerSecond: 10, burst: 2 }), null);
 * assert.match(tokenBucketBound([0, 0, 0], { ratePerSecond: 10, burst: 2 }) ?? "", /3 admissions/);
 * ```
 */
export function tokenBucketBound(
  admittedAtMs: readonly number[],
  limits: { ratePerSecond: number; burst: number },
): string | null {
  const perMs = limits.ratePerSecond / 1000;
  let minG = Infinity;
  let minAt = 0;
  for (let k = 0; k < admittedAtMs.length; k++) {
    if (k > 0 && admittedAtMs[k] < admittedAtMs[k - 1]) {
      throw new RangeError(
        `tokenBucketBound needs non-decreasing times, got ${admittedAtMs[k]} after ${
          admittedAtMs[k - 1]
        }`,
      );
    }
    const g = k - perMs * admittedAtMs[k];
    if (g < minG) {
      minG = g;
      minAt = k;
    }
    const count = k - minAt + 1;
    const allowed = limits.burst + perMs * (admittedAtMs[k] - admittedAtMs[minAt]);
    if (count > allowed + 1e-6) {
      return `Rate limiter let ${count} admissions through in [${admittedAtMs[minAt]}, ${
        admittedAtMs[k]
      }] ms, bound ${allowed.toFixed(3)}`;
    }
  }
  return null;
}

/**
 * The most half-open probes a breaker ever had in flight at once, from its event log: the
 * figure {@linkcode halfOpenProbesBounded} bounds, for reports and charts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxHalfOpenInFlight } from "./resilience.ts";
 * assert.equal(maxHalfOpenInFlight([
 *   { kind: "transition", atMs: 0, from: "open", to: "half-open" },
 *   { kind: "permitted", atMs: 1, state: "half-open" },
 *   { kind: "outcome", atMs: 2, state: "half-open", failed: false, slow: false },
 *   { kind: "permitted", atMs: 3, state: "half-open" },
 * ]), 1);
 * ```
 */
export function maxHalfOpenInFlight(events: readonly BreakerEvent[]): number {
  let inFlight = 0;
  let max = 0;
  for (const e of events) {
    if (e.kind === "transition") inFlight = 0;
    else if (e.state !== "half-open") continue;
    else if (e.kind === "permitted") inFlight++;
    else if (e.kind === "released" || e.kind === "outcome") inFlight = Math.max(0, inFlight - 1);
    max = Math.max(max, inFlight);
  }
  return max;
}
