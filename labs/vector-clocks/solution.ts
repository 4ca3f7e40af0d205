/**
 * Reference solution of the vector-clocks lab (absent from workshop forks).
 *
 * @module
 */

import type { VectorClock, VectorOrder } from "./api.ts";

// Own keys only: a node may be called "toString" or "__proto__", and `v[id] ?? 0` would read
// the prototype's member for a node the vector has never heard of.
const entry = (v: VectorClock, id: string) => (Object.hasOwn(v, id) ? v[id] : 0);

/** Compares two vector timestamps (Mattern 1989). */
export function compare(a: VectorClock, b: VectorClock): VectorOrder {
  let less = false;
  let greater = false;
  for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (entry(a, id) < entry(b, id)) less = true;
    if (entry(a, id) > entry(b, id)) greater = true;
  }
  if (less && greater) return "concurrent";
  if (less) return "before";
  if (greater) return "after";
  return "equal";
}

/** Pointwise maximum of two vectors. */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  // Built with fromEntries, which defines own properties: `out["__proto__"] = 3` would not.
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Object.fromEntries([...ids].map((id) => [id, Math.max(entry(a, id), entry(b, id))]));
}
