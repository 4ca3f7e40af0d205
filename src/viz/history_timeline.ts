/**
 * Draws a client history as a timeline: one lane per process, one bar per operation from its
 * invocation line to its completion line, labelled `w(x,1)`, `r(x)=2`; the culprit of a
 * linearizability violation and the operations it conflicts with are highlighted.
 *
 * @module
 */

import type { OperationRole, TimelineData } from "../check/linearizability/explain.ts";
import type { VegaLiteSpec } from "./types.ts";

/** Options of {@linkcode historyTimeline}. */
export interface HistoryTimelineOptions {
  /**
   * Chart width in pixels.
   * @default 640
   */
  width?: number;
  /**
   * Height of one process lane in pixels.
   * @default 32
   */
  laneHeight?: number;
}

const ROLE_COLORS: Record<OperationRole, string> = {
  culprit: "#d62728",
  preceding: "#ff7f0e",
  concurrent: "#9467bd",
  writer: "#2ca02c",
  frontier: "#1f77b4",
  other: "#bbbbbb",
};

/** Width of one label character in pixels at Vega's default 11 px font (a generous mean). */
const LABEL_CHAR_PX = 6.5;

/**
 * Where the label of `op` must end: the start of the next operation of the same process, or
 * the right edge of the chart.
 */
function roomOf(
  op: TimelineData["operations"][number],
  operations: TimelineData["operations"],
  domainEnd: number,
): number {
  let room = domainEnd;
  for (const other of operations) {
    if (other.process === op.process && other.start > op.start) room = Math.min(room, other.start);
  }
  return room;
}

/**
 * Turns timeline data (from a `Violation`'s `timeline`) into a Vega-Lite spec. Pure and
 * JSON-serialisable: no functions inside, the same data gives the same spec.
 *
 * @param data The operations of the window around the violation.
 * @param options Size of the chart.
 * @returns The Vega-Lite specification.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyTimeline } from "./history_timeline.ts";
 * const spec = historyTimeline({
 *   title: "Stale read",
 *   key: "x",
 *   prefixLength: 4,
 *   operations: [
 *     { index: 0, process: 1, label: "w(x,1)", start: 1, end: 2, open: false, outcome: "ok", role: "writer" },
 *     { index: 1, process: 2, label: "r(x)=null", start: 3, end: 4, open: false, outcome: "ok", role: "culprit" },
 *   ],
 * });
 * assert.ok(JSON.parse(JSON.stringify(spec)).layer.length === 3);
 * ```
 */
export function historyTimeline(
  data: TimelineData,
  options: HistoryTimelineOptions = {},
): VegaLiteSpec {
  const width = options.width ?? 640;
  const laneHeight = options.laneHeight ?? 32;
  if (!(width > 0)) throw new RangeError(`historyTimeline: width must be > 0, got ${width}`);
  if (!(laneHeight > 0)) {
    throw new RangeError(`historyTimeline: laneHeight must be > 0, got ${laneHeight}`);
  }
  const processes = [...new Set(data.operations.map((op) => op.process))].sort((a, b) => a - b);
  const domainEnd = data.prefixLength + 1.5;
  const values = data.operations.map((op) => ({
    ...op,
    lane: `process ${op.process}`,
    status: op.open ? "unknown outcome" : op.outcome,
    room: roomOf(op, data.operations, domainEnd),
  }));
  const roles = Object.keys(ROLE_COLORS) as OperationRole[];
  const x = {
    field: "start",
    type: "quantitative",
    title: "history line (real-time order)",
    scale: {
      // The window the operations cover: a violation deep in a long history is drawn where it
      // happened, not squeezed against line 1.
      domain: [
        (data.operations.length > 0 ? Math.min(...data.operations.map((op) => op.start)) : 1) -
        0.5,
        domainEnd,
      ],
    },
    axis: { tickMinStep: 1, format: "d" },
  };
  const y = {
    field: "lane",
    type: "nominal",
    title: null,
    sort: processes.map((p) => `process ${p}`),
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: data.title,
    width,
    height: Math.max(1, processes.length) * laneHeight,
    data: { values },
    layer: [
      {
        mark: { type: "bar", height: laneHeight * 0.45, cornerRadius: 3 },
        encoding: {
          x,
          x2: { field: "end" },
          y,
          color: {
            field: "role",
            type: "nominal",
            title: "role",
            scale: { domain: roles, range: roles.map((role) => ROLE_COLORS[role]) },
          },
          opacity: { condition: { test: "datum.open", value: 0.4 }, value: 0.9 },
          tooltip: [
            { field: "label", title: "operation" },
            { field: "process" },
            { field: "start", title: "invoked on line" },
            { field: "end", title: "completed on line" },
            { field: "status" },
            { field: "role" },
          ],
        },
      },
      {
        mark: { type: "text", align: "left", baseline: "bottom", dx: 2, dy: -laneHeight * 0.24 },
        encoding: {
          x,
          y,
          // A label is drawn only where it fits: above its own bar, up to the next operation of
          // the same process (`room`, in lines). On a narrow chart or a long history the labels
          // of short operations would run into each other; the tooltip still names every bar.
          text: {
            condition: {
              test:
                `scale('x', datum.room) - scale('x', datum.start) >= ${LABEL_CHAR_PX} * length(datum.label)`,
              field: "label",
            },
            value: "",
          },
        },
      },
      {
        data: { values: [{ line: data.prefixLength }] },
        mark: { type: "rule", strokeDash: [4, 3], color: "#d62728" },
        encoding: { x: { field: "line", type: "quantitative" } },
      },
    ],
  };
}
