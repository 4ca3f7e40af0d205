/**
 * Conflict-free replicated data types: counters, sets, registers and a map, each a
 * join-semilattice with delta-mutators; known-broken variants the checks must catch; and a
 * replica state machine that gossips deltas or states over the kernel's network.
 *
 * @module
 */

export * from "./types.ts";
export * from "./dots.ts";
export * from "./counters.ts";
export * from "./sets.ts";
export * from "./registers.ts";
export * from "./maps.ts";
export * from "./broken.ts";
export * from "./catalog.ts";
export * from "./replica.ts";
export * from "./workloads.ts";
