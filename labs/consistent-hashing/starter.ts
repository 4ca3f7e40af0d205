/**
 * Your consistent-hash ring. Replace the `throw`s; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/consistent-hashing` until it is green.
 *
 * @module
 */

import { murmur3 } from "../../src/mod.ts";
import type { Ring } from "./api.ts";

/** The hash space: positions are integers in [0, RING_SIZE). */
export const RING_SIZE = 2 ** 32;

/**
 * Builds the ring (README.md, steps 1–3).
 *
 * Hint: a point's position must depend only on its node's name and its number, never on where
 * the node sits in the list.
 */
export function createRing(nodes: readonly string[], pointsPerNode: number): Ring {
  void murmur3; // you will need it
  return {
    locate(key) {
      throw new Error(
        `TODO locate("${key}") on a ring of ${nodes.length} nodes × ${pointsPerNode} points (README.md, step 2)`,
      );
    },
    shares() {
      throw new Error("TODO shares(): each node's fraction of the ring (README.md, step 3)");
    },
  };
}
