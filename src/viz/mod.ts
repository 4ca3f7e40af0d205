/**
 * Pure chart builders: data in, Vega-Lite spec out.
 *
 * @module
 */

export * from "./message_diagram.ts";
export * from "./charts.ts";
