/**
 * Pure chart builders: data in, Vega-Lite spec out.
 *
 * @module
 */

export * from "./message_diagram.ts";
export * from "./charts.ts";
export * from "./paxos_charts.ts";
export * from "./search_charts.ts";
export { historyTimeline, type HistoryTimelineOptions } from "./history_timeline.ts";
