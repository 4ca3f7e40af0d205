/**
 * Charts for partitioning: keys per node, keys moved on a join by scheme, the ring's balance
 * against points per node, and the ring itself with the keys that move. Pure
 * `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Chart options shared by the builders below. */
export interface PartitionChartOptions {
  title?: string;
  /** @default left open, so pages can fit it to a column */
  width?: number;
  /** @default 240 */
  height?: number;
}

/**
 * Keys (or load) per node as bars, with the mean as a rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionLoadChart } from "./partitioning_charts.ts";
 * const spec = partitionLoadChart([{ node: "n1", keys: 10 }, { node: "n2", keys: 14 }]);
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function partitionLoadChart(
  rows: readonly { node: string; keys: number }[],
  options: PartitionChartOptions & { measure?: string } = {},
): VegaLiteSpec {
  const { title = "Keys per node", width, height = 240, measure = "keys" } = options;
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
          x: { field: "node", type: "nominal", sort: null, title: "node" },
          y: { field: "keys", type: "quantitative", title: measure },
        },
      },
      {
        mark: { type: "rule", strokeDash: [4, 3], color: "#444" },
        encoding: { y: { aggregate: "mean", field: "keys", type: "quantitative" } },
      },
    ],
  };
}

/** A scheme's measured and expected fraction of keys moved on a join. */
export interface MovedFractionRow {
  scheme: string;
  movedFraction: number;
  expectedMovedFraction: number;
}

/**
 * Fraction of keys moved when one node joins, per scheme, with theory as a black tick.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { movedFractionChart } from "./partitioning_charts.ts";
 * const spec = movedFractionChart([{ scheme: "mod", movedFraction: 0.9, expectedMovedFraction: 0.91 }]);
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function movedFractionChart(
  rows: readonly MovedFractionRow[],
  options: PartitionChartOptions = {},
): VegaLiteSpec {
  const { title = "Keys moved when one node joins", width, height = 220 } = options;
  const y = { field: "scheme", type: "nominal", sort: null, title: null };
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
          y,
          x: {
            field: "movedFraction",
            type: "quantitative",
            title: "fraction of keys moved",
            scale: { domain: [0, 1] },
            axis: { format: "%" },
          },
          color: { field: "scheme", type: "nominal", legend: null },
        },
      },
      {
        mark: { type: "tick", color: "black", thickness: 2 },
        encoding: {
          y,
          x: { field: "expectedMovedFraction", type: "quantitative" },
          tooltip: [{
            field: "expectedMovedFraction",
            type: "quantitative",
            format: ".3f",
            title: "theory",
          }],
        },
      },
    ],
  };
}

/** The ring's standard error at one number of points per node. */
export interface RingStdErrorRow {
  pointsPerNode: number;
  /** Measured standard error of the nodes' shares of the ring. */
  measured: number;
  /** Lamping & Veach 2014, Table 1, where it has a value. */
  paper?: number;
}

/**
 * Standard error of the ring's shares against points per node, log-log, with the paper's
 * values and the 1/sqrt(k) law.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringStdErrorChart } from "./partitioning_charts.ts";
 * const spec = ringStdErrorChart([{ pointsPerNode: 10, measured: 0.3, paper: 0.315 }]);
 * assert.equal((spec.data as { values: unknown[] }).values.length, 3); // measured, 1/√k, paper
 * ```
 */
export function ringStdErrorChart(
  rows: readonly RingStdErrorRow[],
  options: PartitionChartOptions = {},
): VegaLiteSpec {
  const { title = "Ring balance: standard error vs points per node", width, height = 240 } =
    options;
  const values = rows.flatMap((r) => [
    { pointsPerNode: r.pointsPerNode, series: "measured", stdError: r.measured },
    { pointsPerNode: r.pointsPerNode, series: "1/√k", stdError: 1 / Math.sqrt(r.pointsPerNode) },
    ...(r.paper === undefined
      ? []
      : [{ pointsPerNode: r.pointsPerNode, series: "paper", stdError: r.paper }]),
  ]);
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    data: { values },
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: {
        field: "pointsPerNode",
        type: "quantitative",
        scale: { type: "log" },
        title: "points per node (k)",
      },
      y: {
        field: "stdError",
        type: "quantitative",
        scale: { type: "log" },
        title: "std dev / mean of shares",
      },
      color: { field: "series", type: "nominal", title: null },
      strokeDash: { field: "series", type: "nominal", legend: null },
    },
  };
}

/** A ring point or a key for {@linkcode hashRingChart}. */
export interface RingChartItem {
  /** Position in [0, 2^32). */
  position: number;
  node: string;
  kind: "point" | "key";
  /** For keys: whether the key moved in the change shown. */
  moved?: boolean;
  label?: string;
}

/**
 * The ring as a circle: each node's points as coloured ticks on the circle, keys inside it
 * coloured by owner, the keys that moved drawn large with a dark outline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashRingChart } from "./partitioning_charts.ts";
 * const spec = hashRingChart([
 *   { position: 0, node: "a", kind: "point" },
 *   { position: 2 ** 31, node: "a", kind: "key", moved: true, label: "k" },
 * ]);
 * assert.equal((spec.layer as unknown[]).length, 3);
 * ```
 */
export function hashRingChart(
  items: readonly RingChartItem[],
  options: PartitionChartOptions = {},
): VegaLiteSpec {
  const { title = "The ring", width, height = 320 } = options;
  const place = (item: RingChartItem, radius: number) => {
    // Position 0 at the top, clockwise, as rings are usually drawn.
    const angle = (item.position / 2 ** 32) * 2 * Math.PI;
    return {
      ...item,
      x: radius * Math.sin(angle),
      y: radius * Math.cos(angle),
      moved: item.moved ?? false,
    };
  };
  const points = items.filter((i) => i.kind === "point").map((i) => place(i, 1));
  const keys = items.filter((i) => i.kind === "key").map((i) => place(i, 0.86));
  const axis = { field: "x", type: "quantitative", axis: null, scale: { domain: [-1.1, 1.1] } };
  const yAxis = { field: "y", type: "quantitative", axis: null, scale: { domain: [-1.1, 1.1] } };
  const color = { field: "node", type: "nominal", title: "node" };
  const circle = Array.from({ length: 121 }, (_, i) => ({
    i,
    x: Math.sin((i / 120) * 2 * Math.PI),
    y: Math.cos((i / 120) * 2 * Math.PI),
  }));
  return {
    $schema: SCHEMA,
    title,
    ...(width === undefined ? {} : { width }),
    height,
    layer: [
      {
        data: { values: circle },
        mark: { type: "line", color: "#bbb", strokeWidth: 1 },
        encoding: { x: axis, y: yAxis, order: { field: "i", type: "quantitative" } },
      },
      {
        data: { values: points },
        mark: { type: "point", shape: "stroke", size: 120, strokeWidth: 3, angle: 0 },
        encoding: {
          x: axis,
          y: yAxis,
          color,
          tooltip: [{ field: "node", type: "nominal" }, {
            field: "position",
            type: "quantitative",
          }],
        },
      },
      {
        data: { values: keys },
        mark: { type: "circle", opacity: 0.85 },
        encoding: {
          x: axis,
          y: yAxis,
          color,
          size: {
            field: "moved",
            // Ordinal, not nominal: a size channel needs an order (false < true).
            type: "ordinal",
            scale: { domain: [false, true], range: [18, 110] },
            title: "moved",
          },
          stroke: { condition: { test: "datum.moved", value: "black" }, value: null },
          tooltip: [
            { field: "label", type: "nominal", title: "key" },
            { field: "node", type: "nominal", title: "owner" },
            { field: "moved", type: "nominal" },
          ],
        },
      },
    ],
  };
}
