/**
 * Small summary statistics shared by the experiments, so every summary computes a median or a
 * p99 the same way.
 *
 * @module
 */

/**
 * The nearest-rank quantile of an ascending array: the smallest value with at least `q` of the
 * samples at or below it. NaN for no samples.
 *
 * @example
 * ```ts
 * import { quantile } from "./stats.ts";
 * if (quantile([1, 2, 3, 4], 0.5) !== 2) throw new Error("nearest rank");
 * if (quantile([1, 2, 3, 4], 0.99) !== 4) throw new Error("top sample");
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Rounds to a number of decimal digits, for readable summaries.
 *
 * @example
 * ```ts
 * import { roundTo } from "./stats.ts";
 * if (roundTo(3.14159, 2) !== 3.14) throw new Error("two digits");
 * ```
 */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
