/**
 * Charts for replication, quorums, anti-entropy and CAP/PACELC. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One bar of a grouped bar chart: `group` on the x axis, `series` as colour. */
export interface ReplicationBar {
  readonly group: string;
  readonly series: string;
  readonly value: number;
}

/** Options shared by the replication charts. */
export interface ReplicationChartOptions {
  title?: string;
  /** @default left open, so pages can fit it to a column */
  width?: number;
  /** @default 240 */
  height?: number;
}

/**
 * A grouped bar chart (e.g. acknowledged writes lost and stale reads per replication mode).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicationBarChart } from "./replication_charts.ts";
 * const spec = replicationBarChart([{ group: "async", series: "lost", value: 3 }], { yTitle: "writes" });
 * assert.equal((spec.mark as { type: string }).type, "bar");
 * ```
 */
export function replicationBarChart(
  bars: readonly ReplicationBar[],
  options: ReplicationChartOptions & { xTitle?: string; yTitle?: string } = {},
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    ...(options.width ? { width: options.width } : {}),
    height: options.height ?? 240,
    data: { values: bars.map((b) => ({ ...b })) },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "group", type: "nominal", title: options.xTitle ?? null, sort: null },
      xOffset: { field: "series" },
      y: { field: "value", type: "quantitative", title: options.yTitle ?? "count" },
      color: { field: "series", type: "nominal", title: null },
    },
  } as VegaLiteSpec;
}

/** One point of a line chart: `x`, `y` and the `series` it belongs to. */
export interface ReplicationPoint {
  readonly x: number;
  readonly y: number;
  readonly series: string;
}

/**
 * A line chart with points (e.g. Merkle messages against differences, log scales optional).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicationLineChart } from "./replication_charts.ts";
 * const spec = replicationLineChart([{ x: 1, y: 2, series: "merkle" }], { xTitle: "differences", yTitle: "bytes", logY: true });
 * assert.equal((spec.encoding as { y: { scale: { type: string } } }).y.scale.type, "symlog");
 * ```
 */
export function replicationLineChart(
  points: readonly ReplicationPoint[],
  options: ReplicationChartOptions & { xTitle: string; yTitle: string; logY?: boolean },
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    ...(options.width ? { width: options.width } : {}),
    height: options.height ?? 240,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle,
        scale: { type: options.logY ? "symlog" : "linear" },
      },
      color: { field: "series", type: "nominal", title: null },
    },
  } as VegaLiteSpec;
}
