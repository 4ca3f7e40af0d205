/**
 * What the consistent-hashing lab asks you to implement (see README.md): a consistent-hash
 * ring with virtual nodes.
 *
 * @module
 */

/** A ring over a set of nodes. */
export interface Ring {
  /** The node that owns `key`: the first point clockwise from the key's hash. */
  locate(key: string): string;
  /** Each node's fraction of the hash space [0, 2^32), summing to 1. */
  shares(): Map<string, number>;
}

/** Your implementation. */
export interface ConsistentHashingLab {
  /**
   * Builds a ring placing each node at `pointsPerNode` points. Hash with
   * `murmur3(text)` from the library (an unsigned 32-bit integer).
   */
  createRing(nodes: readonly string[], pointsPerNode: number): Ring;
}
