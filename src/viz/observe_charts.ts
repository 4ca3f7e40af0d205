/**
 * Charts for observability: a trace waterfall (one bar per span, nested by start time) and
 * latency over time for the metrics view. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One span as the waterfall draws it. */
export interface WaterfallSpan {
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly service: string;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly error: boolean;
}

/**
 * A trace waterfall: spans in depth-first order (each under its parent), bars from start to
 * end relative to the root's start, coloured by service, failed spans outlined in red.
 * `labelLimit` caps the row labels' width in px (@default 320; narrow screens want less).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { traceWaterfallChart } from "./observe_charts.ts";
 * const spec = traceWaterfallChart([
 *   { spanId: "b", parentSpanId: "a", service: "db", name: "query", startMs: 12, endMs: 20, error: false },
 *   { spanId: "a", parentSpanId: "", service: "api", name: "GET /", startMs: 10, endMs: 30, error: false },
 * ]);
 * const values = (spec.data as { values: { row: string; fromMs: number }[] }).values;
 * assert.deepEqual(values.map((v) => v.row), ["1 api: GET /", "2   db: query"]);
 * assert.equal(values[1].fromMs, 2);
 * ```
 */
export function traceWaterfallChart(
  spans: readonly WaterfallSpan[],
  options: { title?: string; width?: number; labelLimit?: number } = {},
): VegaLiteSpec {
  const children = new Map<string, WaterfallSpan[]>();
  for (const s of spans) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentSpanId === "" || !ids.has(s.parentSpanId));
  const t0 = Math.min(...spans.map((s) => s.startMs));
  const ordered: (WaterfallSpan & { depth: number })[] = [];
  const visit = (s: WaterfallSpan, depth: number) => {
    ordered.push({ ...s, depth });
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      visit(c, depth + 1);
    }
  };
  for (const r of roots.sort((a, b) => a.startMs - b.startMs)) visit(r, 0);
  const width = String(ordered.length).length;
  const values = ordered.map((s, i) => ({
    row: `${String(i + 1).padStart(width, " ")} ${"  ".repeat(s.depth)}${s.service}: ${s.name}`,
    service: s.service,
    name: s.name,
    fromMs: Math.round((s.startMs - t0) * 100) / 100,
    toMs: Math.round((s.endMs - t0) * 100) / 100,
    durationMs: Math.round((s.endMs - s.startMs) * 100) / 100,
    error: s.error,
  }));
  return {
    $schema: SCHEMA,
    title: options.title ?? "Trace waterfall",
    ...(options.width === undefined ? {} : { width: options.width }),
    data: { values },
    mark: { type: "bar", height: { band: 0.7 }, tooltip: true },
    encoding: {
      y: {
        field: "row",
        type: "nominal",
        sort: null,
        title: null,
        axis: { labelLimit: options.labelLimit ?? 320, labelFont: "monospace" },
      },
      x: { field: "fromMs", type: "quantitative", title: "ms since the request started" },
      x2: { field: "toMs" },
      color: { field: "service", type: "nominal", legend: { orient: "bottom", title: null } },
      stroke: {
        condition: { test: "datum.error", value: "#d62728" },
        value: null,
      },
      strokeWidth: { condition: { test: "datum.error", value: 2 }, value: 0 },
    },
  };
}

/** One request's latency for the metrics view. */
export interface LatencyPoint {
  readonly atMs: number;
  readonly latencyMs: number;
  readonly ok: boolean;
}

/**
 * Request latency over time as points (failed requests in red), with a rule at an SLO.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyOverTimeChart } from "./observe_charts.ts";
 * const spec = latencyOverTimeChart([{ atMs: 0, latencyMs: 5, ok: true }], { sloMs: 50 });
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 */
export function latencyOverTimeChart(
  points: readonly LatencyPoint[],
  options: { title?: string; width?: number; sloMs?: number } = {},
): VegaLiteSpec {
  const layer: Record<string, unknown>[] = [{
    data: { values: points },
    mark: { type: "point", filled: true, size: 18, tooltip: true },
    encoding: {
      x: { field: "atMs", type: "quantitative", title: "time (ms)" },
      y: { field: "latencyMs", type: "quantitative", title: "latency (ms)" },
      color: {
        field: "ok",
        type: "nominal",
        scale: { domain: [true, false], range: ["#4c78a8", "#d62728"] },
        legend: { orient: "bottom", title: "succeeded" },
      },
    },
  }];
  if (options.sloMs !== undefined) {
    layer.push({
      data: { values: [{ sloMs: options.sloMs }] },
      mark: { type: "rule", strokeDash: [4, 3], color: "#555" },
      encoding: { y: { field: "sloMs", type: "quantitative" } },
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? "Request latency",
    ...(options.width === undefined ? {} : { width: options.width }),
    layer,
  };
}
