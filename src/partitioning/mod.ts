/**
 * Partitioning (sharding): placing keys on nodes with mod-N, range partitioning with
 * hot-range splits, a consistent-hash ring with virtual nodes, jump consistent hash,
 * rendezvous hashing and geographic placement; and the measures that compare them (keys
 * moved on a join or leave, balance, hot keys).
 *
 * @module
 */

export * from "./hash.ts";
export * from "./jump_hash.ts";
export * from "./partitioners.ts";
export * from "./hash_ring.ts";
export * from "./range.ts";
export * from "./balance.ts";
