/**
 * A space-time diagram: one horizontal line per node, events as dots placed at true time,
 * messages as arrows from send to receive, each event labelled with its vector timestamp, and
 * events coloured by their causal relation to one focus event (past, future, concurrent).
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

/** One event as drawn. */
export interface DiagramEvent {
  readonly index: number;
  readonly node: string;
  readonly kind: "local" | "send" | "receive";
  readonly trueMs: number;
  /** Text shown above the dot, e.g. a vector timestamp `[2,1,0]`. */
  readonly label: string;
  /** Relation to the focus event: `focus`, `happened before`, `happened after`, `concurrent`. */
  readonly relation: string;
}

/** One delivered message. */
export interface DiagramMessage {
  readonly from: string;
  readonly to: string;
  readonly sendMs: number;
  readonly receiveMs: number;
}

const RELATIONS = ["focus", "happened before", "happened after", "concurrent"];
const COLORS = ["#111111", "#1f77b4", "#ff7f0e", "#d62728"];

/**
 * Builds the diagram.
 *
 * @param data `nodes` (lane order), `events` and `messages`.
 * @param options `title`, `width` (@default: left open, so pages can fit it to a column); the height follows the node count.
 * @returns A layered Vega-Lite spec.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { causalityDiagram } from "./causality_diagram.ts";
 * const spec = causalityDiagram({
 *   nodes: ["n1", "n2"],
 *   events: [
 *     { index: 0, node: "n1", kind: "send", trueMs: 1, label: "[1,0]", relation: "focus" },
 *     { index: 1, node: "n2", kind: "receive", trueMs: 5, label: "[1,1]", relation: "happened after" },
 *   ],
 *   messages: [{ from: "n1", to: "n2", sendMs: 1, receiveMs: 5 }],
 * });
 * assert.equal((spec.layer as unknown[]).length, 4);
 * ```
 */
export function causalityDiagram(
  data: {
    nodes: readonly string[];
    events: readonly DiagramEvent[];
    messages: readonly DiagramMessage[];
  },
  options: { title?: string; width?: number } = {},
): VegaLiteSpec {
  const { title = "Space-time diagram", width } = options;
  const lane = new Map(data.nodes.map((n, i) => [n, i]));
  const endMs = Math.max(1, ...data.events.map((e) => e.trueMs));
  const x = { field: "trueMs", type: "quantitative", title: "true time (ms)" };
  const y = {
    field: "lane",
    type: "quantitative",
    title: null,
    scale: { domain: [data.nodes.length - 0.5, -0.5], nice: false, zero: false },
    axis: {
      values: data.nodes.map((_, i) => i),
      labelExpr: `${JSON.stringify(data.nodes)}[datum.value]`,
      grid: false,
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    ...(width === undefined ? {} : { width }),
    height: 70 * data.nodes.length,
    layer: [
      {
        data: { values: data.nodes.map((node, i) => ({ node, lane: i, trueMs: 0, endMs })) },
        mark: { type: "rule", color: "#bbbbbb" },
        encoding: { x, x2: { field: "endMs" }, y },
      },
      {
        data: {
          values: data.messages.map((m) => ({
            ...m,
            trueMs: m.sendMs,
            lane: lane.get(m.from),
            toLane: lane.get(m.to),
          })),
        },
        mark: { type: "rule", color: "#888888", strokeWidth: 1 },
        encoding: {
          x,
          y,
          x2: { field: "receiveMs" },
          y2: { field: "toLane" },
          tooltip: [{ field: "from" }, { field: "to" }, { field: "sendMs" }, {
            field: "receiveMs",
          }],
        },
      },
      {
        data: { values: data.events.map((e) => ({ ...e, lane: lane.get(e.node) })) },
        mark: { type: "point", filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "relation",
            type: "nominal",
            title: "relation to focus",
            scale: { domain: RELATIONS, range: COLORS },
          },
          shape: {
            field: "kind",
            type: "nominal",
            scale: {
              domain: ["local", "send", "receive"],
              range: ["circle", "triangle-right", "square"],
            },
          },
          tooltip: [
            { field: "index", title: "event" },
            { field: "node" },
            { field: "kind" },
            { field: "label", title: "timestamp" },
            { field: "relation" },
          ],
        },
      },
      {
        // Labels alternate above and below the lane so neighbours do not overprint.
        data: {
          values: data.events.map((e, k) => ({
            ...e,
            lane: lane.get(e.node)! + (k % 2 === 0 ? -0.22 : 0.26),
          })),
        },
        mark: { type: "text", fontSize: 9 },
        encoding: {
          x,
          y,
          text: { field: "label" },
          color: { field: "relation", type: "nominal" },
        },
      },
    ],
  };
}
