/**
 * Raft (Ongaro and Ousterhout, 2014): leader election, log replication, the commit rule,
 * durable state and a replicated key-value store with client sessions, plus known-broken
 * variants for checkers to catch.
 *
 * @module
 */

export * from "./types.ts";
export * from "./node.ts";
export * from "./kv.ts";
export * from "./server.ts";
export * from "./client.ts";
export * from "./cluster.ts";
export * from "./timeline.ts";
export * from "./rules.ts";
