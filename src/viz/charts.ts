/**
 * Small generic chart builders used by many experiments.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Options shared by the generic charts. */
export interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
  xTitle?: string;
  yTitle?: string;
}

/**
 * Bars: one per row, `label` on x and `value` on y, optionally coloured by `group`.
 *
 * @example
 * ```ts
 * import { barChart } from "./charts.ts";
 * const spec = barChart([{ label: "sent", value: 20 }, { label: "applied", value: 23 }]);
 * if (spec.mark === undefined) throw new Error("a bar chart");
 * ```
 */
export function barChart(
  rows: { label: string; value: number; group?: string }[],
  options: ChartOptions & { horizontal?: boolean; valueLabels?: boolean } = {},
): VegaLiteSpec {
  const hasGroup = rows.some((r) => r.group !== undefined);
  // Long labels read better down the side than rotated under the bars.
  const horizontal = options.horizontal ?? rows.some((r) => r.label.length > 8);
  const category = { field: "label", type: "nominal", sort: null, title: options.xTitle ?? null };
  const amount = { field: "value", type: "quantitative", title: options.yTitle ?? null };
  const encoding = {
    ...(horizontal
      ? { y: { ...category, axis: { labelLimit: 260 } }, x: amount }
      : { x: category, y: amount }),
    ...(hasGroup
      ? {
        color: { field: "group", type: "nominal", title: null, legend: { orient: "bottom" } },
        [horizontal ? "yOffset" : "xOffset"]: { field: "group" },
      }
      : {}),
  };
  const base = {
    $schema: SCHEMA,
    title: options.title ?? "",
    width: options.width,
    height: options.height ?? (horizontal ? Math.max(80, rows.length * 24) : 200),
    data: { values: rows },
  };
  if (!options.valueLabels) return { ...base, mark: { type: "bar", tooltip: true }, encoding };
  // A value beside each bar: a bar too short to see still says what it is.
  return {
    ...base,
    encoding,
    layer: [
      { mark: { type: "bar", tooltip: true } },
      {
        mark: horizontal
          ? { type: "text", align: "left", dx: 3, fontSize: 10 }
          : { type: "text", baseline: "bottom", dy: -2, fontSize: 10 },
        encoding: { text: { field: "value", type: "quantitative", format: ",.4~r" } },
      },
    ],
  };
}

/**
 * Lines (or points) of `y` against `x`, one series per `series` value.
 *
 * @example
 * ```ts
 * import { lineChart } from "./charts.ts";
 * const spec = lineChart([{ x: 0, y: 1, series: "n1" }, { x: 1, y: 2, series: "n1" }]);
 * if (spec.data === undefined) throw new Error("has data");
 * ```
 */
export function lineChart(
  rows: { x: number; y: number; series?: string }[],
  options: ChartOptions & { points?: boolean; interpolate?: string; scatter?: boolean } = {},
): VegaLiteSpec {
  const hasSeries = rows.some((r) => r.series !== undefined);
  return {
    $schema: SCHEMA,
    title: options.title ?? "",
    width: options.width,
    height: options.height ?? 220,
    data: { values: rows },
    mark: options.scatter ? { type: "point", filled: true, size: 30, tooltip: true } : {
      type: "line",
      point: options.points ?? false,
      interpolate: options.interpolate ?? "linear",
      tooltip: true,
    },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x" },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y" },
      ...(hasSeries
        ? { color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } } }
        : {}),
    },
  };
}

/**
 * A heatmap of `value` by `x` (quantitative, binned by `stepX`) and `y` (nominal): good for
 * "what each node believed over time", where lines would lie on top of each other.
 *
 * @example
 * ```ts
 * import { heatmap } from "./charts.ts";
 * const spec = heatmap([{ x: 0, y: "n1", value: 3 }, { x: 25, y: "n1", value: 2 }], { stepX: 25 });
 * if (spec.mark === undefined) throw new Error("a heatmap");
 * ```
 */
export function heatmap(
  rows: { x: number; y: string; value: number }[],
  options: ChartOptions & { stepX: number; valueTitle?: string },
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title ?? "",
    width: options.width,
    height: options.height ?? Math.max(60, new Set(rows.map((r) => r.y)).size * 28),
    data: { values: rows },
    transform: [{ calculate: `datum.x + ${options.stepX}`, as: "x2" }],
    mark: { type: "rect", tooltip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x" },
      x2: { field: "x2" },
      y: { field: "y", type: "nominal", title: options.yTitle ?? null },
      color: {
        field: "value",
        type: "ordinal",
        title: options.valueTitle ?? "value",
        scale: { scheme: "viridis" },
        legend: { orient: "bottom" },
      },
    },
  };
}
