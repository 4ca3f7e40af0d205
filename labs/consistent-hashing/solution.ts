/**
 * Reference solution of the consistent-hashing lab: Karger et al. 1997, §4, with virtual
 * nodes as in Dynamo (DeCandia et al. 2007, §4.2). netsplit's own ring is
 * `src/partitioning/hash_ring.ts`.
 *
 * @module
 */

import { murmur3 } from "../../src/mod.ts";
import type { Ring } from "./api.ts";

/** The hash space: positions are integers in [0, RING_SIZE). */
export const RING_SIZE = 2 ** 32;

/** Builds the ring: points sorted by position; a key goes to the first point at or after it. */
export function createRing(nodes: readonly string[], pointsPerNode: number): Ring {
  const points = nodes
    .flatMap((node) =>
      Array.from({ length: pointsPerNode }, (_, i) => ({ position: murmur3(`${node}#${i}`), node }))
    )
    .sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : 1));
  return {
    locate(key) {
      const h = murmur3(key);
      let lo = 0, hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (points[mid].position < h) lo = mid + 1;
        else hi = mid;
      }
      // Past the last point the ring wraps around to the first.
      return points[lo % points.length].node;
    },
    shares() {
      const shares = new Map(nodes.map((n) => [n, 0]));
      points.forEach((p, i) => {
        const previous = i === 0
          ? points[points.length - 1].position - RING_SIZE
          : points[i - 1].position;
        shares.set(p.node, shares.get(p.node)! + (p.position - previous) / RING_SIZE);
      });
      return shares;
    },
  };
}
