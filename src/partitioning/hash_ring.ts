/**
 * A consistent-hash ring with virtual nodes: D. Karger et al., "Consistent hashing and
 * random trees", STOC 1997, §4, with each node placed at `pointsPerNode` points as in
 * Dynamo (DeCandia et al. 2007, §4.2). A key belongs to the first point clockwise from its
 * hash.
 *
 * Balance: a node's share of the ring is a sum of `pointsPerNode` gaps, so the standard
 * error of the shares (their standard deviation over their mean) falls like
 * 1/sqrt(pointsPerNode) — Lamping & Veach 2014, Table 1: 0.998, 0.315, 0.0997, 0.0316 for 1,
 * 10, 100 and 1000 points per node. Joining moves only the keys the new node takes, about
 * 1/(n+1) of them.
 *
 * Non-goals: weighted nodes (give a bigger node more points), bounded loads.
 *
 * @module
 */

import { murmur3 } from "./hash.ts";
import type { Partitioner } from "./partitioners.ts";

/** Options of {@linkcode hashRingPartitioner}. */
export interface HashRingOptions {
  /** Virtual nodes per node, 1..10000. @default 100 */
  pointsPerNode?: number;
}

/** One point on the ring. */
export interface RingPoint {
  /** Position in [0, 2^32). */
  readonly position: number;
  readonly node: string;
}

/** A ring partitioner, with its points and each node's share of the ring. */
export interface HashRing extends Partitioner {
  readonly pointsPerNode: number;
  /** The points, sorted by position. */
  readonly points: readonly RingPoint[];
  /** Each node's fraction of the hash space (sums to 1). */
  shares(): Map<string, number>;
}

const RING = 2 ** 32;

/**
 * Builds a ring over `nodes`. Rebuilding with one node more or less gives the ring after a
 * join or leave: every other node's points stay where they were.
 *
 * @param nodes Distinct node names.
 * @param options Points per node.
 * @returns The ring.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashRingPartitioner } from "./hash_ring.ts";
 * const ring = hashRingPartitioner(["a", "b", "c"], { pointsPerNode: 50 });
 * assert.equal(ring.points.length, 150);
 * const total = [...ring.shares().values()].reduce((s, x) => s + x, 0);
 * assert.ok(Math.abs(total - 1) < 1e-9);
 * // A join only moves keys to the new node.
 * const grown = hashRingPartitioner(["a", "b", "c", "d"], { pointsPerNode: 50 });
 * const before = ring.locate("user:7"), after = grown.locate("user:7");
 * assert.ok(after === before || after === "d");
 * ```
 */
export function hashRingPartitioner(
  nodes: readonly string[],
  options: HashRingOptions = {},
): HashRing {
  const pointsPerNode = options.pointsPerNode ?? 100;
  if (!Number.isInteger(pointsPerNode) || pointsPerNode < 1 || pointsPerNode > 10_000) {
    throw new RangeError(
      `hashRingPartitioner: option pointsPerNode must be an integer in [1, 10000], got ${pointsPerNode}`,
    );
  }
  if (nodes.length === 0) throw new RangeError("hashRingPartitioner: nodes must not be empty");
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`hashRingPartitioner: nodes must be distinct, got ${nodes.join(", ")}`);
  }
  // Sorting packed numbers (position * 2^21 + point number) in a typed array is several
  // times faster than sorting objects. Points are numbered over the nodes in name order, so
  // equal positions (2^-32 likely) never depend on the order the nodes were given in.
  const names = [...nodes].sort();
  const total = names.length * pointsPerNode;
  if (total > 2 ** 21) {
    throw new RangeError(
      `hashRingPartitioner: nodes × pointsPerNode must be at most 2^21, got ${total}`,
    );
  }
  const packed = new Float64Array(total);
  for (let n = 0; n < names.length; n++) {
    for (let i = 0; i < pointsPerNode; i++) {
      const index = n * pointsPerNode + i;
      packed[index] = murmur3(`${names[n]}#${i}`) * 2 ** 21 + index;
    }
  }
  packed.sort();
  const points: RingPoint[] = Array.from(packed, (x) => ({
    position: Math.floor(x / 2 ** 21),
    node: names[Math.floor((x % 2 ** 21) / pointsPerNode)],
  }));
  const positions = Float64Array.from(points, (p) => p.position);
  const owner = (hash: number): string => {
    let lo = 0, hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    return points[lo === points.length ? 0 : lo].node;
  };
  return {
    scheme: "ring",
    nodes: [...nodes],
    pointsPerNode,
    points,
    locate: (key) => owner(murmur3(key)),
    shares() {
      const shares = new Map(nodes.map((n) => [n, 0]));
      // The arc (previous point, this point] belongs to this point; the first point also
      // gets the wrap-around arc from the last point.
      for (let i = 0; i < points.length; i++) {
        const previous = i === 0
          ? points[points.length - 1].position - RING
          : points[i - 1].position;
        shares.set(
          points[i].node,
          shares.get(points[i].node)! + (points[i].position - previous) / RING,
        );
      }
      return shares;
    },
  };
}
