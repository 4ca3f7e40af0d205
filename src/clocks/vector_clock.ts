/**
 * Vector clocks: one counter per process, which characterise happens-before exactly.
 *
 * Sources: C. Fidge, "Timestamps in Message-Passing Systems That Preserve the Partial
 * Ordering", 1988; F. Mattern, "Virtual Time and Global States of Distributed Systems", 1989,
 * (the update rules and the strong clock condition `a → b ⇔ V(a) < V(b)`).
 *
 * A vector is a plain record from process id to counter; a missing id counts as 0, so the
 * set of processes may grow. Values are immutable: every function returns a new vector.
 *
 * Guarantees: `compareVectors(V(a), V(b))` is `"before"` exactly when `a` happened before
 * `b`, `"concurrent"` exactly when neither happened before the other. Non-goals: garbage
 * collection of departed processes, compression (see version vectors and dotted vectors).
 *
 * @module
 */

/** A vector timestamp: process id → number of events of that process known. */
export type VectorClock = Readonly<Record<string, number>>;

/** How two vector timestamps relate. */
export type VectorOrder = "before" | "after" | "concurrent" | "equal";

function entry(vector: VectorClock, id: string): number {
  return Object.hasOwn(vector, id) ? vector[id] : 0;
}

// Process ids are any strings. `out[id] = n` with id "__proto__" sets the object's prototype in
// browsers (Deno removes that accessor, so tests there never see it) and the entry vanishes;
// defining the property makes an own entry whatever the id is named.
function setEntry(out: Record<string, number>, id: string, value: number): void {
  Object.defineProperty(out, id, { value, enumerable: true, writable: true, configurable: true });
}

function assertCounter(id: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Vector clock entry "${id}" must be a non-negative integer, got ${value}`,
    );
  }
}

/**
 * Builds a vector from entries, dropping zeros so that equal vectors have equal keys.
 *
 * @param entries Counters by process id (missing ids are 0).
 * @returns A frozen vector.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vectorClock } from "./vector_clock.ts";
 * assert.deepEqual(vectorClock({ a: 2, b: 0 }), { a: 2 });
 * ```
 */
export function vectorClock(entries: Record<string, number> = {}): VectorClock {
  const out: Record<string, number> = {};
  for (const id of Object.keys(entries).sort()) {
    assertCounter(id, entries[id]);
    if (entries[id] > 0) setEntry(out, id, entries[id]);
  }
  return Object.freeze(out);
}

/**
 * Ticks process `id`'s own entry: the rule for a local or send event (Mattern's first update rule).
 *
 * @param vector The process's current vector.
 * @param id The process taking the step.
 * @returns The timestamp of the new event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incrementVector } from "./vector_clock.ts";
 * assert.deepEqual(incrementVector({ a: 1 }, "a"), { a: 2 });
 * ```
 */
export function incrementVector(vector: VectorClock, id: string): VectorClock {
  return vectorClock({ ...vector, [id]: entry(vector, id) + 1 });
}

/**
 * Pointwise maximum of two vectors: the least vector that knows everything both know.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeVectors } from "./vector_clock.ts";
 * assert.deepEqual(mergeVectors({ a: 3, b: 1 }, { b: 2, c: 1 }), { a: 3, b: 2, c: 1 });
 * ```
 */
export function mergeVectors(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a };
  for (const id of Object.keys(b)) setEntry(out, id, Math.max(entry(a, id), entry(b, id)));
  return vectorClock(out);
}

/**
 * The receive rule (Mattern's second update rule): merge the message's vector, then tick own entry.
 *
 * @param local The receiver's current vector.
 * @param received The vector carried by the message.
 * @param id The receiving process.
 * @returns The timestamp of the receive event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { receiveVector } from "./vector_clock.ts";
 * assert.deepEqual(receiveVector({ b: 1 }, { a: 2 }, "b"), { a: 2, b: 2 });
 * ```
 */
export function receiveVector(
  local: VectorClock,
  received: VectorClock,
  id: string,
): VectorClock {
  return incrementVector(mergeVectors(local, received), id);
}

/**
 * Compares two vector timestamps.
 *
 * @returns `"before"` if `a < b` (every entry ≤ and one <), `"after"` if `b < a`,
 *   `"equal"` if identical, otherwise `"concurrent"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVectors } from "./vector_clock.ts";
 * assert.equal(compareVectors({ a: 1 }, { a: 1, b: 1 }), "before");
 * assert.equal(compareVectors({ a: 2 }, { a: 1, b: 1 }), "concurrent");
 * ```
 */
export function compareVectors(a: VectorClock, b: VectorClock): VectorOrder {
  let less = false;
  let greater = false;
  for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = entry(a, id);
    const y = entry(b, id);
    if (x < y) less = true;
    if (x > y) greater = true;
  }
  if (less && greater) return "concurrent";
  if (less) return "before";
  if (greater) return "after";
  return "equal";
}

/**
 * Formats a vector as `[2,0]`: its entries in the order of `ids`, zeros shown, for diagrams.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatVector } from "./vector_clock.ts";
 * assert.equal(formatVector({ a: 2 }, ["a", "b"]), "[2,0]");
 * ```
 */
export function formatVector(vector: VectorClock, ids: readonly string[]): string {
  return `[${ids.map((id) => entry(vector, id)).join(",")}]`;
}
