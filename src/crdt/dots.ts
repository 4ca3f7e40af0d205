/**
 * Dots and causal contexts, the bookkeeping of the optimised observed-remove CRDTs (Almeida,
 * Shoker & Baquero 2018, §5–§6; Bieniusa et al., "An optimized conflict-free replicated set",
 * 2012). A dot `[replica, n]` names the n-th event of a replica; a causal context is the set of
 * dots a state has seen, kept compact as a version vector plus the few dots beyond it (the
 * "dot cloud") that arrive when deltas come out of order.
 *
 * A dot store's merge keeps a dot when both sides have it, or when one side has it and the
 * other has never seen it; a dot one side has seen but no longer holds was removed there, so it
 * goes. That is why a remove only cancels the adds it observed: add wins over a concurrent
 * remove.
 *
 * @module
 */

import type { ReplicaId } from "./types.ts";

// Replica ids are any strings: read own entries only (an id like "constructor" must not find
// Object.prototype's member) and define entries rather than assign them (assigning "__proto__"
// sets the prototype in browsers, and the entry vanishes).
function own(map: Readonly<Record<string, number>>, id: string): number {
  return Object.hasOwn(map, id) ? map[id] : 0;
}

function define(map: Record<string, number>, id: string, value: number): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true });
}

/** The n-th event (n >= 1) of a replica. */
export type CrdtDot = readonly [replica: ReplicaId, counter: number];

/** The dots a state has seen: all of `vv[r]`'s prefix for each replica, plus `cloud`. */
export interface CausalContext {
  readonly vv: Readonly<Record<ReplicaId, number>>;
  /** Dots seen beyond the version vector, sorted. */
  readonly cloud: readonly CrdtDot[];
}

/** The empty causal context. */
export function emptyContext(): CausalContext {
  return { vv: {}, cloud: [] };
}

/**
 * Orders dots by replica, then counter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareDots } from "./dots.ts";
 * assert.ok(compareDots(["a", 9], ["b", 1]) < 0);
 * ```
 */
export function compareDots(a: CrdtDot, b: CrdtDot): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
}

/**
 * Whether the context has seen a dot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contextHas } from "./dots.ts";
 * const ctx = { vv: { a: 2 }, cloud: [["a", 5]] as const };
 * assert.ok(contextHas(ctx, ["a", 2]) && contextHas(ctx, ["a", 5]) && !contextHas(ctx, ["a", 3]));
 * ```
 */
export function contextHas(context: CausalContext, dot: CrdtDot): boolean {
  return dot[1] <= own(context.vv, dot[0]) ||
    context.cloud.some((d) => d[0] === dot[0] && d[1] === dot[1]);
}

/**
 * A compact context holding the given version vector and dots: cloud dots that extend the
 * vector contiguously are folded into it, covered ones dropped.
 */
export function compactContext(
  vv: Readonly<Record<ReplicaId, number>>,
  dots: Iterable<CrdtDot>,
): CausalContext {
  const next: Record<ReplicaId, number> = { ...vv };
  const pending = [...dots].sort(compareDots);
  const cloud: CrdtDot[] = [];
  for (const dot of pending) {
    const have = own(next, dot[0]);
    if (dot[1] === have + 1) define(next, dot[0], dot[1]);
    else if (dot[1] > have) cloud.push(dot);
  }
  // Folding one dot can make a later cloud dot contiguous; sorted order already handled a
  // replica's own run, so what is left is a true gap, except duplicates and covered dots.
  const unique = cloud.filter((d, i) =>
    d[1] > own(next, d[0]) && (i === 0 || compareDots(cloud[i - 1], d) !== 0)
  );
  return { vv: next, cloud: unique };
}

/**
 * The union of two contexts, compacted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinContexts } from "./dots.ts";
 * const joined = joinContexts({ vv: { a: 1 }, cloud: [["a", 3]] }, { vv: { a: 2 }, cloud: [] });
 * assert.deepEqual(joined, { vv: { a: 3 }, cloud: [] });
 * ```
 */
export function joinContexts(a: CausalContext, b: CausalContext): CausalContext {
  const vv: Record<ReplicaId, number> = { ...a.vv };
  for (const [r, n] of Object.entries(b.vv)) define(vv, r, Math.max(own(vv, r), n));
  return compactContext(vv, [...a.cloud, ...b.cloud]);
}

/** The next dot of a replica: one past every dot of it the context has seen. */
export function nextDot(context: CausalContext, replica: ReplicaId): CrdtDot {
  let n = own(context.vv, replica);
  for (const d of context.cloud) if (d[0] === replica) n = Math.max(n, d[1]);
  return [replica, n + 1];
}

/**
 * Merges two dot sets under their contexts (Almeida et al. 2018, §6, the DotSet join): keep a
 * dot both hold, or one holds and the other has not seen.
 */
export function mergeDotSets(
  a: readonly CrdtDot[],
  contextA: CausalContext,
  b: readonly CrdtDot[],
  contextB: CausalContext,
): CrdtDot[] {
  const key = (d: CrdtDot) => `${d[1]}:${d[0]}`;
  const inB = new Set(b.map(key));
  const inA = new Set(a.map(key));
  const out: CrdtDot[] = [];
  for (const d of a) if (inB.has(key(d)) || !contextHas(contextB, d)) out.push(d);
  for (const d of b) if (!inA.has(key(d)) && !contextHas(contextA, d)) out.push(d);
  return out.sort(compareDots);
}
