/**
 * Measures of a placement: bucket sizes, their standard error (standard deviation over
 * mean, the measure of Lamping & Veach 2014, Table 1), the fraction of keys that move
 * between two placements, and the load on the hottest node under a skewed workload.
 *
 * @module
 */

import type { Partitioner } from "./partitioners.ts";

/**
 * Keys per node (every node of the partitioner appears, with 0 when it got none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bucketSizes, modNPartitioner } from "./mod.ts";
 * const sizes = bucketSizes(modNPartitioner(["a", "b"]), ["k1", "k2", "k3"]);
 * assert.equal(sizes.get("a")! + sizes.get("b")!, 3);
 * ```
 */
export function bucketSizes(
  partitioner: Partitioner,
  keys: readonly string[],
  weightOf?: (key: string, index: number) => number,
): Map<string, number> {
  const sizes = new Map(partitioner.nodes.map((n) => [n, 0]));
  keys.forEach((key, i) => {
    const node = partitioner.locate(key);
    sizes.set(node, (sizes.get(node) ?? 0) + (weightOf?.(key, i) ?? 1));
  });
  return sizes;
}

/**
 * Standard deviation over mean of a list of sizes (population standard deviation); 0 for
 * perfectly even sizes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standardError } from "./balance.ts";
 * assert.equal(standardError([5, 5, 5]), 0);
 * assert.equal(standardError([0, 2]), 1);
 * ```
 */
export function standardError(sizes: Iterable<number>): number {
  const values = [...sizes];
  if (values.length === 0) throw new RangeError("standardError: needs at least one size");
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

/**
 * The keys whose owner differs between two placements (a join, a leave, a split).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { movedKeys, modNPartitioner } from "./mod.ts";
 * const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
 * const moved = movedKeys(modNPartitioner(["a", "b", "c"]), modNPartitioner(["a", "b", "c", "d"]), keys);
 * assert.ok(moved.length > 600); // about 3/4 of the keys
 * ```
 */
export function movedKeys(
  before: Partitioner,
  after: Partitioner,
  keys: readonly string[],
): string[] {
  return keys.filter((key) => before.locate(key) !== after.locate(key));
}

/**
 * The expected fraction of keys moved when one node joins n nodes: n/(n+1) for mod-N (a key
 * stays only when its hash agrees mod n and mod n+1), 1/(n+1) for the consistent schemes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedMovedFraction } from "./balance.ts";
 * assert.equal(expectedMovedFraction("mod", 3), 0.75);
 * assert.equal(expectedMovedFraction("ring", 3), 0.25);
 * ```
 */
export function expectedMovedFraction(scheme: string, nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new RangeError(`expectedMovedFraction: nodes must be an integer >= 1, got ${nodes}`);
  }
  return scheme === "mod" ? nodes / (nodes + 1) : 1 / (nodes + 1);
}
