/**
 * Charts for the resilience patterns: a circuit breaker's state over time above the error
 * rate and the load reaching the dependency; load amplification per retry policy; latency
 * percentiles per policy; and the cascade's success rate per service and route over time.
 * Pure `data -> Vega-Lite spec`; without a `width` a chart fits its container.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** A stretch of time the breaker spent in one state. */
export interface BreakerSpan {
  state: "closed" | "open" | "half-open";
  startMs: number;
  endMs: number;
}

/** Per time bucket: the caller's error rate, its median latency, and calls reaching the dependency. */
export interface ResilienceBucket {
  /** Bucket start. */
  tMs: number;
  /** Share of requests finishing in the bucket that failed (0–1), or null if none finished. */
  errorRate: number | null;
  /** Median latency of requests finishing in the bucket, or null. */
  p50Ms: number | null;
  /** Requests per second arriving at the dependency. */
  dependencyPerSecond: number;
}

const STATE_COLORS = {
  domain: ["closed", "half-open", "open"],
  range: ["#4c9a2a", "#e3a008", "#c0392b"],
};

function sized(width: number | undefined): Record<string, unknown> {
  return width === undefined ? {} : { width };
}

/**
 * The breaker's state as a coloured band over time, with the outage shaded, above two lines:
 * the caller's error rate, and requests per second reaching the dependency.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { breakerTimelineChart } from "./resilience_charts.ts";
 * const spec = breakerTimelineChart({
 *   spans: [{ state: "closed", startMs: 0, endMs: 1000 }],
 *   buckets: [{ tMs: 0, errorRate: 0, p50Ms: 5, dependencyPerSecond: 100 }],
 *   outage: { startMs: 200, endMs: 600 },
 * });
 * assert.equal((spec.vconcat as unknown[]).length, 3);
 * ```
 */
export function breakerTimelineChart(
  data: {
    spans: readonly BreakerSpan[];
    buckets: readonly ResilienceBucket[];
    outage?: { startMs: number; endMs: number };
  },
  options: { width?: number; title?: string } = {},
): VegaLiteSpec {
  const x = { field: "s", type: "quantitative", title: "time (s)" };
  const x2 = { field: "s2" };
  const buckets = data.buckets.map((b) => ({
    ...b,
    s: b.tMs / 1000,
    errorPct: b.errorRate === null ? null : 100 * b.errorRate,
  }));
  const outageLayer = data.outage
    ? [{
      data: { values: [{ s: data.outage.startMs / 1000, s2: data.outage.endMs / 1000 }] },
      mark: { type: "rect", color: "#888", opacity: 0.15 },
      encoding: { x, x2 },
    }]
    : [];
  return {
    $schema: SCHEMA,
    title: options.title ?? "Circuit breaker state, error rate and load on the dependency",
    spacing: 8,
    vconcat: [
      {
        ...sized(options.width),
        height: 36,
        data: {
          values: data.spans.map((p) => ({ ...p, s: p.startMs / 1000, s2: p.endMs / 1000 })),
        },
        mark: { type: "rect" },
        encoding: {
          x: { ...x, title: null },
          x2,
          color: {
            field: "state",
            type: "nominal",
            scale: STATE_COLORS,
            title: "breaker",
            legend: { orient: "top" },
          },
          tooltip: [
            { field: "state", type: "nominal" },
            { field: "s", type: "quantitative", title: "from (s)", format: ".2f" },
            { field: "s2", type: "quantitative", title: "to (s)", format: ".2f" },
          ],
        },
      },
      {
        ...sized(options.width),
        height: 110,
        layer: [
          ...outageLayer,
          {
            data: { values: buckets },
            mark: { type: "line", color: "#c0392b", point: false },
            encoding: {
              x: { ...x, title: null },
              y: { field: "errorPct", type: "quantitative", title: "errors (%)" },
            },
          },
        ],
      },
      {
        ...sized(options.width),
        height: 110,
        layer: [
          ...outageLayer,
          {
            data: { values: buckets },
            mark: { type: "line", color: "#2c6fbb" },
            encoding: {
              x,
              y: {
                field: "dependencyPerSecond",
                type: "quantitative",
                title: "calls/s at dependency",
              },
            },
          },
        ],
      },
    ],
  };
}

/** Load over time at one place, for one policy. */
export interface ResilienceLoadPoint {
  series: string;
  tMs: number;
  perSecond: number;
}

/**
 * Requests per second over time, one line per series (e.g. per retry policy), with an
 * optional shaded interval (the fault).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resilienceLoadChart } from "./resilience_charts.ts";
 * const spec = resilienceLoadChart([{ series: "none", tMs: 0, perSecond: 10 }]);
 * assert.equal((spec.layer as unknown[]).length, 1);
 * ```
 */
export function resilienceLoadChart(
  points: readonly ResilienceLoadPoint[],
  options: {
    width?: number;
    title?: string;
    yTitle?: string;
    shade?: { startMs: number; endMs: number };
  } = {},
): VegaLiteSpec {
  const x = { field: "s", type: "quantitative", title: "time (s)" };
  const layer: Record<string, unknown>[] = [];
  if (options.shade) {
    layer.push({
      data: { values: [{ s: options.shade.startMs / 1000, s2: options.shade.endMs / 1000 }] },
      mark: { type: "rect", color: "#888", opacity: 0.15 },
      encoding: { x, x2: { field: "s2" } },
    });
  }
  layer.push({
    data: { values: points.map((p) => ({ ...p, s: p.tMs / 1000 })) },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: "perSecond", type: "quantitative", title: options.yTitle ?? "requests/s" },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
      tooltip: [
        { field: "series", type: "nominal" },
        { field: "s", type: "quantitative", format: ".1f" },
        { field: "perSecond", type: "quantitative", format: ".0f" },
      ],
    },
  });
  return {
    $schema: SCHEMA,
    title: options.title ?? "Load over time",
    ...sized(options.width),
    height: 220,
    layer,
  };
}

/** One bar: a value per category (e.g. amplification per retry policy). */
export interface ResilienceBarValue {
  category: string;
  value: number;
  /** Optional grouping within the category (e.g. p50 vs p99). */
  group?: string;
}

/** 0 and the powers of ten up to the largest value: the ticks of a symlog axis. */
function powersOfTen(values: readonly ResilienceBarValue[]): number[] {
  const max = Math.max(1, ...values.map((v) => v.value));
  const ticks = [0];
  for (let tick = 1; tick <= max; tick *= 10) ticks.push(tick);
  return ticks;
}

/**
 * Horizontal bars, one per category (grouped by `group` when present): amplification per
 * policy, p50 and p99 per load-balancing policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resilienceBarChart } from "./resilience_charts.ts";
 * const spec = resilienceBarChart([{ category: "none", value: 8 }], { xTitle: "amplification" });
 * assert.equal((spec.mark as { type: string }).type, "bar");
 * ```
 */
export function resilienceBarChart(
  values: readonly ResilienceBarValue[],
  options: { width?: number; title?: string; xTitle?: string; logScale?: boolean } = {},
): VegaLiteSpec {
  const grouped = values.some((v) => v.group !== undefined);
  return {
    $schema: SCHEMA,
    title: options.title ?? "",
    ...sized(options.width),
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "category", type: "nominal", title: null, sort: null },
      ...(grouped ? { yOffset: { field: "group", type: "nominal" } } : {}),
      x: {
        field: "value",
        type: "quantitative",
        title: options.xTitle ?? "",
        // symlog, not log: a bar of zero is a value here (a log scale would drop it, and warn).
        // Its default ticks crowd the top decade ("500" and "1,500" run together): ticks at
        // the powers of ten instead.
        ...(options.logScale
          ? { scale: { type: "symlog" }, axis: { values: powersOfTen(values), labelOverlap: true } }
          : {}),
      },
      color: grouped
        ? { field: "group", type: "nominal", title: null, legend: { orient: "bottom" } }
        : { value: "#2c6fbb" },
      tooltip: [
        { field: "category", type: "nominal" },
        ...(grouped ? [{ field: "group", type: "nominal" }] : []),
        { field: "value", type: "quantitative", format: ".2f" },
      ],
    },
  };
}

/** Success rate of one series (service/route) in one time bucket. */
export interface ResilienceSuccessPoint {
  series: string;
  tMs: number;
  successRate: number | null;
}

/**
 * Success rate over time, one line per series, with the fault shaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resilienceSuccessChart } from "./resilience_charts.ts";
 * const spec = resilienceSuccessChart([{ series: "orders", tMs: 0, successRate: 1 }], { shade: { startMs: 0, endMs: 10 } });
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function resilienceSuccessChart(
  points: readonly ResilienceSuccessPoint[],
  options: { width?: number; title?: string; shade?: { startMs: number; endMs: number } } = {},
): VegaLiteSpec {
  const x = { field: "s", type: "quantitative", title: "time (s)" };
  const layer: Record<string, unknown>[] = [];
  if (options.shade) {
    layer.push({
      data: { values: [{ s: options.shade.startMs / 1000, s2: options.shade.endMs / 1000 }] },
      mark: { type: "rect", color: "#888", opacity: 0.15 },
      encoding: { x, x2: { field: "s2" } },
    });
  }
  layer.push({
    data: {
      values: points.filter((p) => p.successRate !== null).map((p) => ({
        ...p,
        s: p.tMs / 1000,
        pct: 100 * p.successRate!,
      })),
    },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x,
      y: {
        field: "pct",
        type: "quantitative",
        title: "succeeded (%)",
        scale: { domain: [0, 100] },
      },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
      tooltip: [
        { field: "series", type: "nominal" },
        { field: "s", type: "quantitative", format: ".1f" },
        { field: "pct", type: "quantitative", format: ".1f" },
      ],
    },
  });
  return {
    $schema: SCHEMA,
    title: options.title ?? "Requests that succeeded",
    ...sized(options.width),
    height: 220,
    layer,
  };
}
