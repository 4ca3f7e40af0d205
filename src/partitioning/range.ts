/**
 * Range partitioning: keys stay in key order and each node owns contiguous ranges, as in
 * Bigtable tablets (Chang et al. 2006, §5) and HBase regions. Range scans touch few nodes,
 * but sequential keys (timestamps, counters) pile onto one range — the hot range — which is
 * why such systems split a range that grows hot and hand half of it to another node.
 *
 * Guarantees: ranges cover the whole key space with no gaps or overlaps (the first starts at
 * ""); a split moves only keys of the range split.
 *
 * @module
 */

import type { Partitioner } from "./partitioners.ts";

/** A range `[start, next range's start)` and its owner. */
export interface KeyRange {
  /** Inclusive lower bound; the first range starts at "". */
  readonly start: string;
  readonly node: string;
}

/** A range partitioner and its ranges, sorted by start. */
export interface RangePartitioner extends Partitioner {
  readonly ranges: readonly KeyRange[];
  /** Index of the range holding `key`. */
  rangeOf(key: string): number;
}

/**
 * A partitioner over explicit ranges.
 *
 * @param ranges Ranges sorted by distinct `start`, the first starting at "".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangePartitioner } from "./range.ts";
 * const p = rangePartitioner([{ start: "", node: "a" }, { start: "m", node: "b" }]);
 * assert.equal(p.locate("kiwi"), "a");
 * assert.equal(p.locate("melon"), "b");
 * ```
 */
export function rangePartitioner(ranges: readonly KeyRange[]): RangePartitioner {
  if (ranges.length === 0 || ranges[0].start !== "") {
    throw new RangeError('rangePartitioner: ranges must be non-empty and start at ""');
  }
  for (let i = 1; i < ranges.length; i++) {
    if (!(ranges[i - 1].start < ranges[i].start)) {
      throw new RangeError(
        `rangePartitioner: range starts must increase, got "${ranges[i - 1].start}" then "${
          ranges[i].start
        }"`,
      );
    }
  }
  const list = ranges.map((r) => ({ ...r }));
  const rangeOf = (key: string): number => {
    let lo = 0, hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (list[mid].start <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    scheme: "range",
    nodes: [...new Set(list.map((r) => r.node))],
    ranges: list,
    rangeOf,
    locate: (key) => list[rangeOf(key)].node,
  };
}

/**
 * Even ranges for a sample of keys: node i gets the i-th quantile range (pre-splitting, as
 * HBase does from a sample of row keys).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangesFromSample } from "./range.ts";
 * const p = rangesFromSample(["a", "b", "c", "d"], ["x", "y"]);
 * assert.deepEqual(["a", "b", "c", "d"].map((k) => p.locate(k)), ["x", "x", "y", "y"]);
 * ```
 */
export function rangesFromSample(
  sample: readonly string[],
  nodes: readonly string[],
): RangePartitioner {
  if (nodes.length === 0) throw new RangeError("rangesFromSample: nodes must not be empty");
  const sorted = [...new Set(sample)].sort();
  const ranges: KeyRange[] = [{ start: "", node: nodes[0] }];
  for (let i = 1; i < nodes.length; i++) {
    const start = sorted[Math.floor((i * sorted.length) / nodes.length)];
    if (start !== undefined && start > ranges[ranges.length - 1].start) {
      ranges.push({ start, node: nodes[i] });
    }
  }
  return rangePartitioner(ranges);
}

/**
 * Splits the range with the most load at its load median and gives the upper half to
 * `newNode`: the hot-range split. Only keys of that range move.
 *
 * @param partitioner The current ranges.
 * @param newNode The node taking the upper half.
 * @param load Keys with their load (request rate, bytes); the split point is their weighted
 *   median inside the hottest range.
 * @returns The new partitioner, or the same one when no range can be split (a single hot key).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangesFromSample, splitHottestRange } from "./range.ts";
 * const keys = ["a", "b", "c", "d"];
 * const p = splitHottestRange(rangesFromSample(keys, ["x"]), "y", keys.map((key) => ({ key, weight: 1 })));
 * assert.deepEqual(keys.map((k) => p.locate(k)), ["x", "x", "y", "y"]);
 * ```
 */
export function splitHottestRange(
  partitioner: RangePartitioner,
  newNode: string,
  load: readonly { key: string; weight: number }[],
): RangePartitioner {
  const perRange = new Map<number, { key: string; weight: number }[]>();
  for (const item of load) {
    const r = partitioner.rangeOf(item.key);
    const items = perRange.get(r);
    if (items === undefined) perRange.set(r, [item]);
    else items.push(item);
  }
  let hottest = -1, hottestLoad = -1;
  for (const [r, items] of perRange) {
    const total = items.reduce((s, x) => s + x.weight, 0);
    if (total > hottestLoad || (total === hottestLoad && r < hottest)) {
      [hottest, hottestLoad] = [r, total];
    }
  }
  if (hottest < 0) return partitioner;
  const start = partitioner.ranges[hottest].start;
  const items = perRange.get(hottest)!
    .slice()
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Each distinct key above the range's start is a candidate; the best leaves the two halves'
  // loads closest. A single hot key cannot be split: its load stays on one side.
  let below = 0, best: string | undefined, bestImbalance = Infinity;
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && items[i].key !== items[i - 1].key && items[i].key > start) {
      const imbalance = Math.abs(hottestLoad - 2 * below);
      if (imbalance < bestImbalance) [best, bestImbalance] = [items[i].key, imbalance];
    }
    below += items[i].weight;
  }
  if (best === undefined) return partitioner;
  const ranges = [...partitioner.ranges];
  ranges.splice(hottest + 1, 0, { start: best, node: newNode });
  return rangePartitioner(ranges);
}
