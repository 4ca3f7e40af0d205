/**
 * Charts for chaos experiments: each game-day run's p99 latency against the SLO and its blast
 * radius, coloured by whether the steady-state hypothesis held. Pure `data -> Vega-Lite spec`.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One game-day run as charted. */
export interface GameDayRunPoint {
  /** e.g. `3 crash payments`. */
  readonly label: string;
  readonly p99Ms: number;
  readonly errorRate: number;
  /** Share of requests failed or slower than the SLO. */
  readonly blastRadius: number;
  readonly held: boolean;
}

/**
 * Two panels: p99 per run with the SLO as a rule, and the blast radius per run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gameDayChart } from "./chaos_charts.ts";
 * const spec = gameDayChart(
 *   [{ label: "1 crash payments", p99Ms: 400, errorRate: 0.2, blastRadius: 0.25, held: false }],
 *   { sloP99Ms: 60 },
 * );
 * assert.equal((spec.vconcat as unknown[]).length, 2);
 * ```
 */
export function gameDayChart(
  runs: readonly GameDayRunPoint[],
  options: { sloP99Ms: number; title?: string; width?: number },
): VegaLiteSpec {
  const verdict = runs.map((r) => ({ ...r, verdict: r.held ? "held" : "broken" }));
  const color = {
    field: "verdict",
    type: "nominal",
    scale: { domain: ["held", "broken"], range: ["#4c78a8", "#d62728"] },
    legend: { orient: "bottom", title: "hypothesis" },
  };
  const y = { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 200 } };
  const width = options.width === undefined ? {} : { width: options.width };
  return {
    $schema: SCHEMA,
    title: options.title ?? "Game day: steady-state hypothesis per run",
    vconcat: [
      {
        ...width,
        layer: [
          {
            data: { values: verdict },
            mark: { type: "bar", tooltip: true },
            encoding: {
              y,
              x: { field: "p99Ms", type: "quantitative", title: "p99 latency (ms)" },
              color,
            },
          },
          {
            data: { values: [{ slo: options.sloP99Ms }] },
            mark: { type: "rule", strokeDash: [4, 3], color: "#555" },
            encoding: { x: { field: "slo", type: "quantitative" } },
          },
        ],
      },
      {
        ...width,
        data: { values: verdict },
        mark: { type: "bar", tooltip: true },
        encoding: {
          y,
          x: {
            field: "blastRadius",
            type: "quantitative",
            title: "blast radius (share of requests hurt)",
            axis: { format: "%" },
            scale: { domain: [0, 1] },
          },
          color,
        },
      },
    ],
  };
}
