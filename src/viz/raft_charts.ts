/**
 * Charts for Raft: the cumulative distribution of leaderless time (the Raft paper's Figure 16)
 * and an election timeline (roles and terms over time). Pure data -> Vega-Lite functions.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

/** One point of an empirical CDF: `fraction` of trials of `range` took at most `ms`. */
export interface CdfPoint {
  range: string;
  ms: number;
  fraction: number;
}

/**
 * Empirical CDF points per series, one point per distinct sample.
 *
 * @example
 * ```ts
 * import { cdfPoints } from "./raft_charts.ts";
 * const points = cdfPoints({ "150-300": [3, 1, 2, 2] });
 * if (points.at(-1)?.fraction !== 1) throw new Error("a CDF ends at 1");
 * ```
 */
export function cdfPoints(samples: Record<string, readonly number[]>): CdfPoint[] {
  const out: CdfPoint[] = [];
  for (const [range, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
      out.push({
        range,
        ms: Math.round(sorted[i] * 1000) / 1000,
        fraction: (i + 1) / sorted.length,
      });
    }
  }
  return out;
}

/**
 * The Figure 16 chart: one step line per timeout range, time without a leader on x. Without a
 * `width` the chart fits its container.
 *
 * @example
 * ```ts
 * import { cdfPoints, electionCdfChart } from "./raft_charts.ts";
 * const spec = electionCdfChart(cdfPoints({ "150-300": [200, 250, 300] }));
 * JSON.stringify(spec); // plain JSON, no functions
 * ```
 */
export function electionCdfChart(
  points: readonly CdfPoint[],
  options: { logScale?: boolean; width?: number; title?: string } = {},
): VegaLiteSpec {
  const ranges = [...new Set(points.map((p) => p.range))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Time without a leader (cumulative)",
    ...(options.width === undefined ? {} : { width: options.width }),
    height: 280,
    data: { values: points },
    mark: { type: "line", interpolate: "step-after", clip: true },
    encoding: {
      x: {
        field: "ms",
        type: "quantitative",
        title: "time without leader (ms)",
        scale: options.logScale ? { type: "log" } : { zero: true },
        // A log axis on a phone put "10" and "20" edge to edge ("1020").
        axis: { labelSeparation: 4 },
      },
      y: {
        field: "fraction",
        type: "quantitative",
        title: "cumulative percent",
        axis: { format: "%" },
        scale: { domain: [0, 1] },
      },
      color: {
        field: "range",
        type: "nominal",
        title: "election timeout (ms)",
        sort: ranges,
        // No fixed column count: one row where it fits, wrapped on a phone (the page's config).
        legend: { orient: "bottom" },
      },
      tooltip: [
        { field: "range", type: "nominal" },
        { field: "ms", type: "quantitative", title: "ms" },
        { field: "fraction", type: "quantitative", format: ".1%" },
      ],
    },
  };
}

/** A role interval as the timeline chart reads it. */
export interface TimelineBar {
  node: string;
  role: string;
  term: number;
  startMs: number;
  endMs: number;
}

/**
 * An election timeline: one row per server, bars colored by role, bars labeled with their
 * term. Without a `width` the chart fits its container.
 *
 * @example
 * ```ts
 * import { electionTimelineChart } from "./raft_charts.ts";
 * const spec = electionTimelineChart([
 *   { node: "n1", role: "leader", term: 1, startMs: 0, endMs: 100 },
 * ]);
 * JSON.stringify(spec);
 * ```
 */
export function electionTimelineChart(
  bars: readonly TimelineBar[],
  options: { width?: number; title?: string } = {},
): VegaLiteSpec {
  const nodes = [...new Set(bars.map((b) => b.node))].sort();
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Election timeline",
    ...(options.width === undefined ? {} : { width: options.width }),
    height: Math.max(80, nodes.length * 26),
    data: { values: bars },
    encoding: {
      y: { field: "node", type: "nominal", title: null, sort: nodes },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadius: 2, height: { band: 0.7 } },
        encoding: {
          x: { field: "startMs", type: "quantitative", title: "time (ms)", scale: { zero: false } },
          x2: { field: "endMs" },
          color: {
            field: "role",
            type: "nominal",
            scale: {
              domain: ["follower", "pre-candidate", "candidate", "leader", "down"],
              range: ["#c6dbef", "#fdd0a2", "#fd8d3c", "#31a354", "#bdbdbd"],
            },
          },
          tooltip: [
            { field: "node", type: "nominal" },
            { field: "role", type: "nominal" },
            { field: "term", type: "quantitative" },
            { field: "startMs", type: "quantitative", format: ".1f" },
            { field: "endMs", type: "quantitative", format: ".1f" },
          ],
        },
      },
      {
        transform: [{ filter: "datum.role !== 'down' && datum.endMs - datum.startMs > 40" }],
        mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#222" },
        encoding: {
          x: { field: "startMs", type: "quantitative" },
          text: { field: "term", type: "quantitative", format: "d" },
        },
      },
    ],
  };
}
