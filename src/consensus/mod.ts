/**
 * Consensus protocols on the simulator.
 *
 * @module
 */

export * from "./raft/mod.ts";
export * from "./paxos/mod.ts";
export * from "./pbft/mod.ts";
export * from "./epaxos/mod.ts";
