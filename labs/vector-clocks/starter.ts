/**
 * Your vector clock. Replace each `throw` with an implementation; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/vector-clocks` until it is green.
 *
 * @module
 */

import type { VectorClock, VectorOrder } from "./api.ts";

/**
 * Compares two vector timestamps.
 *
 * Hint: a node that appears in only one of the vectors still counts — its entry in the
 * other vector is 0. Walk over the union of both key sets.
 */
export function compare(a: VectorClock, b: VectorClock): VectorOrder {
  throw new Error(
    `TODO compare(${JSON.stringify(a)}, ${JSON.stringify(b)}): return "before", "after", ` +
      `"equal" or "concurrent" (see README.md, step 1)`,
  );
}

/**
 * Merges two vectors: for every node, the larger of the two entries.
 *
 * Hint: do not mutate `a` or `b`; return a new object.
 */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  throw new Error(
    `TODO merge(${JSON.stringify(a)}, ${JSON.stringify(b)}): return the pointwise maximum ` +
      `(see README.md, step 2)`,
  );
}
