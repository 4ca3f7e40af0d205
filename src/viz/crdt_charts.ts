/**
 * Charts for CRDT replication: how many distinct states the replicas hold over time (1 means
 * converged) with partitions shaded, and the bytes that delta and whole-state gossip send.
 * Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One monitor sample of a CRDT run. */
export interface CrdtSamplePoint {
  timeMs: number;
  distinctStates: number;
  upToDate: number;
  partitioned: boolean;
}

/**
 * Distinct replica states and up-to-date replicas over time; partitions as grey bands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtConvergenceChart } from "./crdt_charts.ts";
 * const spec = crdtConvergenceChart([
 *   { timeMs: 0, distinctStates: 1, upToDate: 3, partitioned: false },
 *   { timeMs: 10, distinctStates: 2, upToDate: 1, partitioned: true },
 * ]);
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function crdtConvergenceChart(
  samples: readonly CrdtSamplePoint[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Replica states over time", width, height = 240 } = options;
  const step = samples.length > 1 ? samples[1].timeMs - samples[0].timeMs : 1;
  const bands = samples.filter((s) => s.partitioned)
    .map((s) => ({ from: s.timeMs, to: s.timeMs + step }));
  const lines = samples.flatMap((s) => [
    { timeMs: s.timeMs, series: "distinct states", count: s.distinctStates },
    { timeMs: s.timeMs, series: "replicas with every update", count: s.upToDate },
  ]);
  const x = { field: "timeMs", type: "quantitative", title: "time (ms)" };
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    layer: [
      {
        data: { values: bands.length > 0 ? bands : [{ from: 0, to: 0 }] },
        mark: { type: "rect", color: "#ddd", opacity: bands.length > 0 ? 0.7 : 0 },
        encoding: { x: { field: "from", type: "quantitative" }, x2: { field: "to" } },
      },
      {
        data: { values: lines },
        mark: { type: "line", interpolate: "step-after", tooltip: true },
        encoding: {
          x,
          y: {
            field: "count",
            type: "quantitative",
            title: "replicas / states",
            axis: { tickMinStep: 1 },
          },
          color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
        },
      },
    ],
  };
}

/** Bytes a run sent and the final state size, per dissemination mode. */
export interface CrdtBytesRow {
  mode: string;
  payloadBytes: number;
  stateBytes: number;
}

/**
 * Payload bytes sent per dissemination mode (delta vs whole state).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtBytesChart } from "./crdt_charts.ts";
 * const spec = crdtBytesChart([{ mode: "delta", payloadBytes: 100, stateBytes: 20 }]);
 * assert.equal(spec.mark, undefined);
 * ```
 */
export function crdtBytesChart(
  rows: readonly CrdtBytesRow[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const { title = "Payload bytes sent, delta vs whole state", width, height = 140 } = options;
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    data: { values: rows.map((r) => ({ ...r })) },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          y: { field: "mode", type: "nominal", title: null },
          x: { field: "payloadBytes", type: "quantitative", title: "payload bytes sent" },
          color: { field: "mode", type: "nominal", legend: null },
        },
      },
    ],
  };
}
