/**
 * Charts for time and order: clock offsets over true time with sync events, HLC against
 * physical time, and lost updates against clock skew. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

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
  /** The node's offset from true time right after the step. */
  readonly offsetMs: number;
}

/**
 * Offset of each node's clock from true time, one line per node, with sync events as hollow
 * diamonds where each step landed.
 *
 * @param data `samples` (offsets) and `syncEvents` (steps applied).
 * @param options `title`, `width` (@default: left open, so pages can fit it to a column) and `height` (@default 260).
 * @returns A layered Vega-Lite line chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockOffsetChart } from "./clock_charts.ts";
 * const spec = clockOffsetChart({
 *   samples: [{ trueMs: 0, node: "n1", offsetMs: 3 }, { trueMs: 1000, node: "n1", offsetMs: 4 }],
 *   syncEvents: [{ trueMs: 500, node: "n1", deltaMs: -3, offsetMs: 0.5 }],
 * });
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function clockOffsetChart(
  data: { samples: readonly OffsetSample[]; syncEvents: readonly SyncEvent[] },
  options: { title?: string; subtitle?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Clock offset from true time", subtitle, width, height = 260 } = options;
  const x = { field: "seconds", type: "quantitative", title: "true time (s)" };
  const color = { field: "node", type: "nominal", title: "node" };
  const layers: Record<string, unknown>[] = [
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
  ];
  // An empty layer would give Vega an infinite extent, so sync marks appear only when present.
  if (data.syncEvents.length > 0) {
    layers.push(
      {
        data: { values: data.syncEvents.map((s) => ({ ...s, seconds: s.trueMs / 1000 })) },
        mark: { type: "point", shape: "diamond", filled: false, size: 40, strokeWidth: 1 },
        encoding: {
          x,
          y: { field: "offsetMs", type: "quantitative" },
          color,
          tooltip: [
            { field: "node", type: "nominal", title: "sync at" },
            { field: "deltaMs", type: "quantitative", title: "step (ms)", format: ".3f" },
          ],
        },
      },
    );
  }
  return {
    $schema: SCHEMA,
    title: subtitle === undefined ? title : { text: title, subtitle },
    ...(width === undefined ? {} : { width }),
    height,
    layer: layers,
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
  const { title = "Lost updates vs clock skew", width, height = 260 } = options;
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    data: { values: points },
    mark: { type: "line", point: { filled: false, size: 70 } },
    encoding: {
      x: { field: "skewMs", type: "quantitative", title: "clock skew across nodes (ms)" },
      shape: { field: "strategy", type: "nominal" },
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
 * HLC against physical time: dashed lines show how far each node's physical clock is ahead of
 * true time; dots show each event's HLC `l`, which never falls below its node's line and never
 * runs more than ε above it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcChart } from "./clock_charts.ts";
 * const spec = hlcChart([{ trueMs: 5, node: "n1", pt: 7, l: 9, c: 0 }]);
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function hlcChart(
  samples: readonly HlcSample[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "HLC l and physical clocks, relative to true time", width, height = 260 } =
    options;
  const values = samples.map((s) => ({
    ...s,
    ptAheadMs: s.pt - s.trueMs,
    lAheadMs: s.l - s.trueMs,
  }));
  const x = { field: "trueMs", type: "quantitative", title: "true time (ms)" };
  const color = { field: "node", type: "nominal", title: "node" };
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    data: { values },
    layer: [
      {
        mark: { type: "line", strokeDash: [4, 3], strokeWidth: 1 },
        encoding: {
          x,
          y: { field: "ptAheadMs", type: "quantitative", title: "reading − true time (ms)" },
          color,
        },
      },
      {
        mark: { type: "point", filled: true, size: 45 },
        encoding: {
          x,
          y: { field: "lAheadMs", type: "quantitative" },
          color,
          tooltip: [
            { field: "node", type: "nominal" },
            { field: "pt", type: "quantitative", title: "physical pt" },
            { field: "l", type: "quantitative", title: "HLC l" },
            { field: "c", type: "quantitative", title: "HLC c" },
          ],
        },
      },
    ],
  };
}
