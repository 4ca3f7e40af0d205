/**
 * Measures over finished calls and arrivals, shared by the resilience experiments and pages:
 * per-bucket error rate and median latency, arrivals per second, and nearest-rank latency
 * percentiles.
 *
 * @module
 */

import type { CallResult } from "./caller.ts";

/**
 * The nearest-rank percentile `q` (0–1) of unsorted `values`; null for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyPercentile } from "./metrics.ts";
 * assert.equal(latencyPercentile([4, 1, 3, 2], 0.5), 2);
 * assert.equal(latencyPercentile([], 0.5), null);
 * ```
 */
export function latencyPercentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Calls finishing in one time bucket. */
export interface CallBucket {
  tMs: number;
  finished: number;
  failed: number;
  /** failed / finished, or null when nothing finished. */
  errorRate: number | null;
  /** Median latency of the bucket's calls, or null. */
  p50Ms: number | null;
}

/**
 * Cuts `[0, durationMs)` into buckets of `bucketMs` and summarises the calls that finished in
 * each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callBuckets } from "./metrics.ts";
 * const r = (endMs: number, ok: boolean) => ({ ok, reason: ok ? "ok" : "error", attempts: 1, startMs: endMs - 10, endMs, backend: null }) as const;
 * const b = callBuckets([r(5, true), r(7, false), r(15, true)], { bucketMs: 10, durationMs: 20 });
 * assert.deepEqual(b.map((x) => x.errorRate), [0.5, 0]);
 * ```
 */
export function callBuckets(
  results: readonly CallResult[],
  options: { bucketMs: number; durationMs: number },
): CallBucket[] {
  const { bucketMs, durationMs } = options;
  const n = Math.max(1, Math.ceil(durationMs / bucketMs));
  const latencies: number[][] = Array.from({ length: n }, () => []);
  const failed = new Array<number>(n).fill(0);
  for (const r of results) {
    const k = Math.floor(r.endMs / bucketMs);
    if (k < 0 || k >= n) continue;
    latencies[k].push(r.endMs - r.startMs);
    if (!r.ok) failed[k]++;
  }
  return latencies.map((l, k) => ({
    tMs: k * bucketMs,
    finished: l.length,
    failed: failed[k],
    errorRate: l.length === 0 ? null : failed[k] / l.length,
    p50Ms: latencyPercentile(l, 0.5),
  }));
}

/**
 * Events per second in each bucket of `[0, durationMs)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ratePerBucket } from "./metrics.ts";
 * assert.deepEqual(ratePerBucket([0, 100, 600], { bucketMs: 500, durationMs: 1000 }), [4, 2]);
 * ```
 */
export function ratePerBucket(
  timesMs: readonly number[],
  options: { bucketMs: number; durationMs: number },
): number[] {
  const { bucketMs, durationMs } = options;
  const counts = new Array<number>(Math.max(1, Math.ceil(durationMs / bucketMs))).fill(0);
  for (const t of timesMs) {
    const k = Math.floor(t / bucketMs);
    if (k >= 0 && k < counts.length) counts[k]++;
  }
  return counts.map((c) => (c * 1000) / bucketMs);
}
