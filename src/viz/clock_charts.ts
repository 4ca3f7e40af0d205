/**
 * Charts for time and order: clock offsets over true time with sync events, HLC against
 * physical time, and lost updates against clock skew. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "../experiments/types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One offset sample: node `node`'s clock minus true time, at true time `trueMs`. */
export interface OffsetSample {
  readonly trueMs: number;
  readonly node: string;
  readonly offsetMs: number;
}

/** A synchronisation step applied to a node's clock. */
export interface SyncEvent {
  readonly trueMs: number;
  readonly node: string;
  readonly deltaMs: number;
}

/**
 * Offset of each node's clock from true time, one line per node, with sync events as ticks
 * on the same lines.
 *
 * @param data `samples` (offsets) and `syncEvents` (steps applied).
 * @param options `title`, `width` (@default 640) and `height` (@default 260).
 * @returns A layered Vega-Lite line chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockOffsetChart } from "./clock_charts.ts";
 * const spec = clockOffsetChart({
 *   samples: [{ trueMs: 0, node: "n1", offsetMs: 3 }, { trueMs: 1000, node: "n1", offsetMs: 4 }],
 *   syncEvents: [{ trueMs: 500, node: "n1", deltaMs: -3 }],
 * });
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function clockOffsetChart(
  data: { samples: readonly OffsetSample[]; syncEvents: readonly SyncEvent[] },
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Clock offset from true time", width = 640, height = 260 } = options;
  const x = { field: "seconds", type: "quantitative", title: "true time (s)" };
  const color = { field: "node", type: "nominal", title: "node" };
  return {
    $schema: SCHEMA,
    title,
    width,
    height,
    layer: [
      {
        data: { values: data.samples.map((s) => ({ ...s, seconds: s.trueMs / 1000 })) },
        mark: { type: "line", interpolate: "linear", strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: "offsetMs", type: "quantitative", title: "offset (ms)" },
          color,
          tooltip: [
            { field: "node", type: "nominal" },
            { field: "seconds", type: "quantitative", format: ".2f" },
            { field: "offsetMs", type: "quantitative", format: ".3f" },
          ],
        },
      },
      {
        data: { values: data.syncEvents.map((s) => ({ ...s, seconds: s.trueMs / 1000 })) },
        mark: { type: "tick", orient: "vertical", thickness: 1, opacity: 0.6 },
        encoding: {
          x,
          color,
          tooltip: [
            { field: "node", type: "nominal", title: "sync at" },
            { field: "deltaMs", type: "quantitative", title: "step (ms)", format: ".3f" },
          ],
        },
      },
    ],
  };
}

/** One strategy's lost updates at one skew. */
export interface LostUpdatePoint {
  readonly skewMs: number;
  readonly strategy: string;
  readonly lostUpdates: number;
}

/**
 * Lost updates against clock skew, one line per conflict-resolution strategy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lostUpdatesChart } from "./clock_charts.ts";
 * const spec = lostUpdatesChart([{ skewMs: 0, strategy: "lww-physical", lostUpdates: 0 }]);
 * assert.equal((spec.mark as { type: string }).type, "line");
 * ```
 */
export function lostUpdatesChart(
  points: readonly LostUpdatePoint[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Lost updates vs clock skew", width = 640, height = 260 } = options;
  return {
    $schema: SCHEMA,
    title,
    width,
    height,
    data: { values: points },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "skewMs", type: "quantitative", title: "clock skew across nodes (ms)" },
      y: { field: "lostUpdates", type: "quantitative", title: "lost updates" },
      color: { field: "strategy", type: "nominal", title: "strategy" },
      strokeDash: { field: "strategy", type: "nominal" },
      tooltip: [
        { field: "strategy", type: "nominal" },
        { field: "skewMs", type: "quantitative" },
        { field: "lostUpdates", type: "quantitative" },
      ],
    },
  };
}

/** One event's hybrid and physical times. */
export interface HlcSample {
  readonly trueMs: number;
  readonly node: string;
  /** The node's physical clock at the event. */
  readonly pt: number;
  /** The event's HLC `l`. */
  readonly l: number;
  /** The event's HLC counter. */
  readonly c: number;
}

/**
 * HLC against physical time: per event, how far ahead of true time the node's physical clock
 * and the event's HLC `l` are. `l` never falls below `pt`, and never runs more than ε ahead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcChart } from "./clock_charts.ts";
 * const spec = hlcChart([{ trueMs: 5, node: "n1", pt: 7, l: 9, c: 0 }]);
 * assert.equal((spec.data as { values: unknown[] }).values.length, 2);
 * ```
 */
export function hlcChart(
  samples: readonly HlcSample[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "HLC l and physical clocks, relative to true time", width = 640, height = 260 } =
    options;
  const values = samples.flatMap((s) => [
    { ...s, clock: "physical pt", aheadMs: s.pt - s.trueMs },
    { ...s, clock: "HLC l", aheadMs: s.l - s.trueMs },
  ]);
  return {
    $schema: SCHEMA,
    title,
    width,
    height,
    data: { values },
    mark: { type: "point", filled: true, size: 40 },
    encoding: {
      x: { field: "trueMs", type: "quantitative", title: "true time (ms)" },
      y: { field: "aheadMs", type: "quantitative", title: "reading − true time (ms)" },
      color: { field: "node", type: "nominal" },
      shape: { field: "clock", type: "nominal", title: "clock" },
      tooltip: [
        { field: "node", type: "nominal" },
        { field: "clock", type: "nominal" },
        { field: "pt", type: "quantitative" },
        { field: "l", type: "quantitative" },
        { field: "c", type: "quantitative" },
      ],
    },
  };
}
