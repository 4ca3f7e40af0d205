/**
 * Checkers: invariant monitors and the fault-schedule search.
 *
 * @module
 */

export * from "./paxos_invariants.ts";
export * from "./search.ts";
export * from "./search_paxos.ts";
