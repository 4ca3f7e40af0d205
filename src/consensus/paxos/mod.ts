/**
 * Paxos: single-decree (Lamport, "Paxos Made Simple") and Multi-Paxos with a distinguished
 * leader, both as pure state machines in RaftNode's Step/Ready shape (`PaxosNode`,
 * `MultiPaxosNode`) with thin adapters that run them as processes on the netsplit kernel.
 *
 * @module
 */

export {
  type Ballot,
  compareBallots,
  formatBallot,
  maxBallot,
  nextBallot,
  sameBallot,
  ZERO_BALLOT,
} from "./ballot.ts";
export * from "./single_decree.ts";
export * from "./multi_paxos.ts";
export * from "./client.ts";
export * from "./demo.ts";
