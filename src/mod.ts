/**
 * netsplit's public API: the simulation kernel, the patterns built on it, their checkers,
 * charts and experiments.
 *
 * @module
 */

export * from "./sim/mod.ts";
export * from "./experiments/mod.ts";
export * from "./viz/mod.ts";
export * from "./clocks/mod.ts";
export * from "./consensus/mod.ts";
export * from "./check/mod.ts";
export * from "./player/mod.ts";
export * from "./partitioning/mod.ts";
export * from "./crdt/mod.ts";
export * from "./transactions/mod.ts";
export * from "./resilience/mod.ts";
export * from "./services/mod.ts";
export * from "./replication/mod.ts";
export * from "./messaging/mod.ts";
export * from "./observe/mod.ts";
