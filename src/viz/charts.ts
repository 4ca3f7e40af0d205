/**
 * Small generic chart builders used by many experiments.
 *
 * @module
 */

import type { VegaLiteSpec } from "../experiments/types.ts";

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
  options: ChartOptions & { horizontal?: boolean } = {},
): VegaLiteSpec {
  const hasGroup = rows.some((r) => r.group !== undefined);
  // Long labels read better down the side than rotated under the bars.
  const horizontal = options.horizontal ?? rows.some((r) => r.label.length > 14);
  const category = { field: "label", type: "nominal", sort: null, title: options.xTitle ?? null };
  const amount = { field: "value", type: "quantitative", title: options.yTitle ?? null };
  return {
    $schema: SCHEMA,
    title: options.title ?? "",
    width: options.width,
    height: options.height ?? (horizontal ? Math.max(80, rows.length * 24) : 200),
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      ...(horizontal
        ? { y: { ...category, axis: { labelLimit: 260 } }, x: amount }
        : { x: category, y: amount }),
      ...(hasGroup
        ? {
          color: { field: "group", type: "nominal", title: null },
          [horizontal ? "yOffset" : "xOffset"]: { field: "group" },
        }
        : {}),
    },
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
      ...(hasSeries ? { color: { field: "series", type: "nominal", title: null } } : {}),
    },
  };
}
