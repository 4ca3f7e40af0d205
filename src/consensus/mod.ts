/**
 * Consensus protocols on the simulator.
 *
 * @module
 */

export * from "./raft/mod.ts";
