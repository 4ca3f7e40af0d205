/**
 * PBFT (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999): quorum rules,
 * a pure replica state machine in the Step/Ready shape, its kernel adapter with the
 * Byzantine adversary, and a client that waits for f + 1 matching replies.
 *
 * @module
 */

export * from "./quorums.ts";
export * from "./types.ts";
export * from "./replica.ts";
export * from "./client.ts";
