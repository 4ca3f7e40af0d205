/**
 * The deterministic simulation kernel.
 *
 * @module
 */

export * from "./types.ts";
export * from "./assert.ts";
export * from "./random.ts";
export * from "./event_queue.ts";
export * from "./clock.ts";
export * from "./network.ts";
export * from "./faults.ts";
export * from "./trace.ts";
export * from "./simulation.ts";
export * from "./fallacies.ts";
