/**
 * Pure chart builders: data in, Vega-Lite spec out.
 *
 * @module
 */

export * from "./message_diagram.ts";
export * from "./charts.ts";
export * from "./paxos_charts.ts";
export * from "./search_charts.ts";
export * from "./history_timeline.ts";
export * from "./raft_charts.ts";
export * from "./pbft_charts.ts";
export type * from "./types.ts";
export * from "./partitioning_charts.ts";
export * from "./crdt_charts.ts";
export * from "./transactions_charts.ts";
export * from "./resilience_charts.ts";
export * from "./replication_charts.ts";
export * from "./messaging_charts.ts";
export * from "./observe_charts.ts";
export * from "./chaos_charts.ts";
export * from "./epaxos_charts.ts";
