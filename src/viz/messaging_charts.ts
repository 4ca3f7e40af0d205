/**
 * Charts for messaging: lost, duplicated and reordered messages per system and setting, and
 * partition ownership of a consumer group over time. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One measured row: a system at a setting (or a broken variant) and what went wrong. */
export interface DeliveryOutcomeRow {
  /** Row label, e.g. `log · at-least-once`. */
  readonly label: string;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
}

/**
 * Lost, duplicated and reordered messages per row, as grouped horizontal bars.
 *
 * @param rows One per system and setting.
 * @param options `title`, `width` (@default left open for pages) and `height` per row (@default 14).
 * @returns A Vega-Lite bar chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliveryOutcomeChart } from "./messaging_charts.ts";
 * const spec = deliveryOutcomeChart([{ label: "log · at-least-once", lost: 0, duplicated: 3, reordered: 1 }]);
 * assert.equal((spec.data as { values: unknown[] }).values.length, 3);
 * ```
 */
export function deliveryOutcomeChart(
  rows: readonly DeliveryOutcomeRow[],
  options: { title?: string; width?: number } = {},
): VegaLiteSpec {
  const values = rows.flatMap((r) =>
    (["lost", "duplicated", "reordered"] as const).map((outcome) => ({
      label: r.label,
      outcome,
      count: r[outcome],
    }))
  );
  return {
    $schema: SCHEMA,
    title: options.title ?? "What each delivery setting costs under faults",
    ...(options.width === undefined ? {} : { width: options.width }),
    height: { step: 7, for: "offset" },
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 260 } },
      yOffset: { field: "outcome", sort: ["lost", "duplicated", "reordered"] },
      x: { field: "count", type: "quantitative", title: "messages (summed over runs)" },
      color: {
        field: "outcome",
        type: "nominal",
        sort: ["lost", "duplicated", "reordered"],
        scale: { range: ["#d62728", "#ff7f0e", "#9467bd"] },
        legend: { orient: "bottom", title: null },
      },
    },
    config: { axisY: { labelLimit: 220 } },
  };
}

/** One span of partition ownership: `member` owned `partition` from `fromMs` to `toMs`. */
export interface OwnershipSpan {
  readonly partition: number;
  readonly member: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly generation: number;
}

/** A point in time to mark on the ownership chart (a fault, a rebalance). */
export interface OwnershipMark {
  readonly atMs: number;
  readonly label: string;
}

/**
 * Which consumer owned which partition over time, one lane per partition, with faults marked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionOwnershipChart } from "./messaging_charts.ts";
 * const spec = partitionOwnershipChart(
 *   [{ partition: 0, member: "c1", fromMs: 0, toMs: 100, generation: 1 }],
 *   [{ atMs: 50, label: "crash c1" }],
 * );
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function partitionOwnershipChart(
  spans: readonly OwnershipSpan[],
  marks: readonly OwnershipMark[],
  options: { title?: string; width?: number } = {},
): VegaLiteSpec {
  const layer: Record<string, unknown>[] = [{
    data: { values: spans },
    mark: { type: "bar", height: { band: 0.7 }, tooltip: true },
    encoding: {
      y: { field: "partition", type: "ordinal", title: "partition" },
      x: { field: "fromMs", type: "quantitative", title: "time (ms)" },
      x2: { field: "toMs" },
      color: { field: "member", type: "nominal", title: "owner", legend: { orient: "bottom" } },
    },
  }];
  layer.push({
    data: { values: marks },
    mark: { type: "rule", strokeDash: [4, 3], color: "#555" },
    encoding: {
      x: { field: "atMs", type: "quantitative" },
      tooltip: [{ field: "label", type: "nominal" }, { field: "atMs", type: "quantitative" }],
    },
  });
  return {
    $schema: SCHEMA,
    title: options.title ?? "Partition ownership across rebalances",
    ...(options.width === undefined ? {} : { width: options.width }),
    layer,
  };
}
