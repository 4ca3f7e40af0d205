/**
 * Replication: leader-follower (sync, semi-sync, async; failover with fencing by epoch),
 * multi-leader with pluggable merge strategies, leaderless Dynamo-style quorums with read
 * repair, hinted handoff and Merkle-tree anti-entropy.
 *
 * @module
 */

export * from "./versions.ts";
export * from "./leader_follower_node.ts";
export * from "./leader_follower.ts";
export * from "./quorum_coordinator.ts";
export * from "./quorum.ts";
export * from "./merkle.ts";
export * from "./multi_leader.ts";
