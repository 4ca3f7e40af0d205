/**
 * Ways to place keys on nodes, behind one small interface ({@linkcode Partitioner}):
 * mod-N, jump consistent hash, rendezvous (highest random weight) and geographic placement.
 * The consistent-hash ring and range partitioning live in `hash_ring.ts` and `range.ts`.
 *
 * What each costs when a node joins: mod-N moves about n/(n+1) of all keys (almost every
 * key's `hash mod n` changes); jump, rendezvous and the ring move about 1/(n+1), the keys the
 * new node now owns (Karger et al. 1997, "Consistent hashing and random trees", §4;
 * Thaler & Ravishankar 1998, "Using name-based mappings to increase hit rates", §3).
 *
 * @module
 */

import { hash64, hashPair, murmur3 } from "./hash.ts";
import { jumpConsistentHash } from "./jump_hash.ts";

/** Places keys on nodes. */
export interface Partitioner {
  /** The scheme's name, e.g. `"mod"`. */
  readonly scheme: string;
  /** The nodes keys may be placed on, in the partitioner's order. */
  readonly nodes: readonly string[];
  /** The node that owns `key`. */
  locate(key: string): string;
}

function checkNodes(owner: string, nodes: readonly string[]): void {
  if (nodes.length === 0) throw new RangeError(`${owner}: nodes must not be empty`);
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`${owner}: nodes must be distinct, got ${nodes.join(", ")}`);
  }
}

/**
 * Mod-N placement: `murmur3(key) mod n`. Perfectly even in expectation and free to compute,
 * but a change of n moves almost every key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modNPartitioner } from "./partitioners.ts";
 * const p = modNPartitioner(["a", "b", "c"]);
 * assert.ok(["a", "b", "c"].includes(p.locate("user:1")));
 * ```
 */
export function modNPartitioner(nodes: readonly string[]): Partitioner {
  checkNodes("modNPartitioner", nodes);
  const list = [...nodes];
  return {
    scheme: "mod",
    nodes: list,
    locate: (key) => list[murmur3(key) % list.length],
  };
}

/**
 * Jump consistent hash over a list of nodes: node i is bucket i, so nodes must join at the
 * end and only the last may leave without moving other keys (Lamping & Veach 2014, §4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jumpHashPartitioner } from "./partitioners.ts";
 * const before = jumpHashPartitioner(["a", "b"]);
 * const after = jumpHashPartitioner(["a", "b", "c"]);
 * const moved = after.locate("k") !== before.locate("k");
 * assert.ok(!moved || after.locate("k") === "c");
 * ```
 */
export function jumpHashPartitioner(nodes: readonly string[]): Partitioner {
  checkNodes("jumpHashPartitioner", nodes);
  const list = [...nodes];
  return {
    scheme: "jump",
    nodes: list,
    locate: (key) => list[jumpConsistentHash(hash64(key), list.length)],
  };
}

/**
 * Rendezvous (highest random weight) hashing: each node scores the key and the highest score
 * wins (Thaler & Ravishankar 1998). A departing node's keys spread over all the others; costs
 * O(n) per lookup. `rank` gives the full preference list, for choosing replicas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rendezvousPartitioner } from "./partitioners.ts";
 * const p = rendezvousPartitioner(["a", "b", "c"]);
 * assert.equal(p.rank("k")[0], p.locate("k"));
 * // Removing a node that does not own the key leaves the key where it is.
 * const others = ["a", "b", "c"].filter((n) => n !== p.rank("k")[2]);
 * assert.equal(rendezvousPartitioner(others).locate("k"), p.locate("k"));
 * ```
 */
export function rendezvousPartitioner(
  nodes: readonly string[],
): Partitioner & { rank(key: string): string[] } {
  checkNodes("rendezvousPartitioner", nodes);
  const list = [...nodes];
  const seeds = list.map((node) => murmur3(node, 0x2545f491));
  const score = (keyHash: number, i: number) => hashPair(keyHash, seeds[i]);
  return {
    scheme: "rendezvous",
    nodes: list,
    locate(key) {
      const h = murmur3(key);
      let best = 0;
      let bestScore = -1;
      for (let i = 0; i < list.length; i++) {
        const s = score(h, i);
        // Ties (2^-32 likely) go to the smaller name, so the answer never depends on list order.
        if (s > bestScore || (s === bestScore && list[i] < list[best])) {
          best = i;
          bestScore = s;
        }
      }
      return list[best];
    },
    rank(key) {
      const h = murmur3(key);
      return list.map((node, i) => ({ node, s: score(h, i) }))
        .sort((x, y) => y.s - x.s || (x.node < y.node ? -1 : 1))
        .map((x) => x.node);
    },
  };
}

/** A node and the region it lives in, for {@linkcode geoPartitioner}. */
export interface GeoNode {
  readonly node: string;
  readonly region: string;
}

/** Options of {@linkcode geoPartitioner}. */
export interface GeoPartitionerOptions {
  /**
   * The region of a key, e.g. from a `"eu/"` prefix or the user's home; undefined means no
   * preference. @default the text before the first "/", when it names a known region
   */
  regionOf?: (key: string) => string | undefined;
}

/**
 * Geographic placement: a key lives in its home region (data residency, latency to its
 * users), chosen inside the region by rendezvous hashing; keys of a region with no nodes, or
 * with no region, fall back to rendezvous over all nodes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { geoPartitioner } from "./partitioners.ts";
 * const p = geoPartitioner([
 *   { node: "eu1", region: "eu" }, { node: "eu2", region: "eu" }, { node: "us1", region: "us" },
 * ]);
 * assert.ok(p.locate("eu/alice").startsWith("eu"));
 * assert.equal(p.locate("us/bob"), "us1");
 * ```
 */
export function geoPartitioner(
  nodes: readonly GeoNode[],
  options: GeoPartitionerOptions = {},
): Partitioner & { regionOf(key: string): string | undefined } {
  checkNodes("geoPartitioner", nodes.map((n) => n.node));
  const byRegion = new Map<string, string[]>();
  for (const { node, region } of nodes) {
    if (typeof region !== "string" || region === "") {
      throw new RangeError(`geoPartitioner: node ${node} needs a non-empty region`);
    }
    byRegion.set(region, [...(byRegion.get(region) ?? []), node]);
  }
  const regionOf = options.regionOf ?? ((key: string) => {
    const slash = key.indexOf("/");
    const prefix = slash > 0 ? key.slice(0, slash) : undefined;
    return prefix !== undefined && byRegion.has(prefix) ? prefix : undefined;
  });
  if (typeof regionOf !== "function") {
    throw new RangeError("geoPartitioner: option regionOf must be a function");
  }
  const inRegion = new Map(
    [...byRegion].map(([region, members]) => [region, rendezvousPartitioner(members)]),
  );
  const everywhere = rendezvousPartitioner(nodes.map((n) => n.node));
  return {
    scheme: "geo",
    nodes: nodes.map((n) => n.node),
    regionOf,
    locate(key) {
      const region = regionOf(key);
      return (region === undefined ? undefined : inRegion.get(region))?.locate(key) ??
        everywhere.locate(key);
    },
  };
}
