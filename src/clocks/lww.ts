/**
 * A last-writer-wins (LWW) register: each write carries a timestamp, and a merge keeps the
 * write with the larger one. What "larger" means is the whole story: physical clocks make a
 * causally later write lose to an earlier one when the writer's clock is behind; hybrid
 * logical clocks never do (HLC's causality guarantee); neither can keep both of two
 * concurrent writes — for that, use version vectors (`version_vector.ts`).
 *
 * Sources: P. R. Johnson, R. H. Thomas, RFC 677 (1975), the "Thomas write rule"; M. Shapiro
 * et al., "A comprehensive study of CRDTs", 2011, §3.2.1 (LWW-Register).
 *
 * @module
 */

/** A write's timestamp: `l` and `c` as in HLC (physical clocks use `c = 0`), `node` breaks ties. */
export interface LwwStamp {
  readonly l: number;
  readonly c: number;
  readonly node: string;
}

/** A register value with its timestamp. */
export interface LwwValue<T> {
  readonly value: T;
  readonly stamp: LwwStamp;
}

/**
 * Total order on stamps: `(l, c, node)` lexicographically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareLwwStamps } from "./lww.ts";
 * assert.ok(compareLwwStamps({ l: 5, c: 0, node: "b" }, { l: 5, c: 0, node: "a" }) > 0);
 * ```
 */
export function compareLwwStamps(a: LwwStamp, b: LwwStamp): number {
  if (a.l !== b.l) return a.l - b.l;
  if (a.c !== b.c) return a.c - b.c;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/**
 * Merges two register states: the larger stamp wins; `undefined` is the empty register.
 * Commutative, associative and idempotent, so replicas converge whatever the order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeLww } from "./lww.ts";
 * const early = { value: "x", stamp: { l: 10, c: 0, node: "a" } };
 * const late = { value: "y", stamp: { l: 12, c: 0, node: "b" } };
 * assert.equal(mergeLww(late, early)?.value, "y");
 * ```
 */
export function mergeLww<T>(
  a: LwwValue<T> | undefined,
  b: LwwValue<T> | undefined,
): LwwValue<T> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareLwwStamps(a.stamp, b.stamp) >= 0 ? a : b;
}
