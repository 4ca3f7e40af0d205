/**
 * Metrics in the Prometheus / OpenTelemetry model: counters (only go up), gauges (a current
 * value), and histograms answering percentiles, two ways: exactly, by keeping every value, and
 * with a mergeable sketch of bounded relative error that a fleet can add together.
 *
 * Source for the sketch: Masson, Rim and Lee, "DDSketch: A Fast and Fully-Mergeable Quantile
 * Sketch with Relative-Error Guarantees" (VLDB 2019) §2: bucket i holds values in
 * (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and the estimate 2γ^i/(γ+1) is within α of any value in
 * the bucket. Guarantees: `quantile(q)` of the sketch is within relative error α of the exact
 * nearest-rank quantile of the same values; merging two sketches equals sketching the union.
 * Non-goals: negative values, bucket collapsing (memory is unbounded but logarithmic in range).
 *
 * @module
 */

/** A monotonic counter. */
export class MetricCounter {
  #value = 0;
  /** Adds `by` (default 1); a negative increment is refused. */
  add(by = 1): void {
    if (!(by >= 0)) throw new RangeError(`MetricCounter: increment must be >= 0, got ${by}`);
    this.#value += by;
  }
  get value(): number {
    return this.#value;
  }
}

/** A gauge: the last value set. */
export class MetricGauge {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
}

/**
 * The nearest-rank quantile of values (q in [0, 1]): the smallest value with at least q·n
 * values at or below it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactQuantile } from "./metrics.ts";
 * assert.equal(exactQuantile([5, 1, 3, 2, 4], 0.5), 3);
 * assert.equal(exactQuantile([5, 1, 3, 2, 4], 0.99), 5);
 * ```
 */
export function exactQuantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`exactQuantile: q must be in [0, 1], got ${q}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** A histogram that keeps every value: exact percentiles, memory linear in the count. */
export class ExactHistogram {
  readonly values: number[] = [];
  record(value: number): void {
    this.values.push(value);
  }
  quantile(q: number): number {
    return exactQuantile(this.values, q);
  }
  get count(): number {
    return this.values.length;
  }
}

/**
 * A DDSketch: logarithmic buckets with relative accuracy `alpha`; mergeable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DdSketch, exactQuantile } from "./metrics.ts";
 * const a = new DdSketch({ alpha: 0.01 });
 * const b = new DdSketch({ alpha: 0.01 });
 * const values = Array.from({ length: 1000 }, (_, i) => 1 + i * 0.37);
 * values.forEach((v, i) => (i % 2 ? a : b).record(v));
 * a.merge(b);
 * const exact = exactQuantile(values, 0.99);
 * assert.ok(Math.abs(a.quantile(0.99) - exact) <= 0.01 * exact);
 * ```
 */
export class DdSketch {
  readonly alpha: number;
  readonly gamma: number;
  #buckets = new Map<number, number>();
  #zeros = 0;
  #count = 0;

  constructor(options: { alpha?: number } = {}) {
    this.alpha = options.alpha ?? 0.01;
    if (!(this.alpha > 0 && this.alpha < 1)) {
      throw new RangeError(`DdSketch: option alpha must be in (0, 1), got ${this.alpha}`);
    }
    this.gamma = (1 + this.alpha) / (1 - this.alpha);
  }

  get count(): number {
    return this.#count;
  }

  /** Buckets in use (the sketch's memory). */
  get size(): number {
    return this.#buckets.size + (this.#zeros > 0 ? 1 : 0);
  }

  record(value: number): void {
    if (!(value >= 0 && Number.isFinite(value))) {
      throw new RangeError(`DdSketch: values must be finite and >= 0, got ${value}`);
    }
    this.#count++;
    if (value === 0) {
      this.#zeros++;
      return;
    }
    const i = Math.ceil(Math.log(value) / Math.log(this.gamma));
    this.#buckets.set(i, (this.#buckets.get(i) ?? 0) + 1);
  }

  /** Adds another sketch's counts (same alpha): the sketch of both value sets. */
  merge(other: DdSketch): this {
    if (other.alpha !== this.alpha) {
      throw new RangeError(`DdSketch: cannot merge alpha ${other.alpha} into alpha ${this.alpha}`);
    }
    for (const [i, n] of other.#buckets) this.#buckets.set(i, (this.#buckets.get(i) ?? 0) + n);
    this.#zeros += other.#zeros;
    this.#count += other.#count;
    return this;
  }

  /** The estimated nearest-rank quantile (NaN when empty). */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`DdSketch: q must be in [0, 1], got ${q}`);
    if (this.#count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = this.#zeros;
    if (seen >= rank) return 0;
    for (const i of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      seen += this.#buckets.get(i)!;
      if (seen >= rank) return (2 * this.gamma ** i) / (this.gamma + 1);
    }
    return NaN; // unreachable: the counts add up to #count
  }
}
