/**
 * Charts for Paxos: ballots over time per proposer (the dueling-proposers picture) and the
 * distribution of time to the first decision per retry policy.
 *
 * @module
 */

import type { VegaLiteSpec } from "./types.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One ballot a proposer started, at true time `t` (ms). */
export interface BallotPoint {
  t: number;
  proposer: string;
  round: number;
}

/**
 * Ballot rounds over time, one step line per proposer, and a rule where a value was first
 * chosen. Two lines climbing in lockstep with no rule is the livelock of §2.4.
 *
 * @example
 * ```ts
 * import { paxosBallotChart } from "./paxos_charts.ts";
 * const spec = paxosBallotChart([{ t: 0, proposer: "p1", round: 1 }, { t: 5, proposer: "p2", round: 2 }], { decidedAtMs: 9 });
 * if (!Array.isArray(spec.layer)) throw new Error("layers");
 * ```
 */
export function paxosBallotChart(
  points: readonly BallotPoint[],
  options: {
    decidedAtMs?: number | null;
    /** Fix the axes (to compare two runs side by side). */
    maxMs?: number;
    maxRound?: number;
    title?: string;
    width?: number;
    height?: number;
  } = {},
): VegaLiteSpec {
  // Each proposer holds its last ballot until the decision (or the last point), so a proposer
  // that tried once still draws a line.
  const end = options.decidedAtMs ?? Math.max(0, ...points.map((p) => p.t));
  const last = new Map<string, BallotPoint>();
  for (const p of points) last.set(p.proposer, p);
  const values = [
    ...points,
    ...[...last.values()].filter((p) => p.t < end).map((p) => ({ ...p, t: end })),
  ];
  const xScale = options.maxMs === undefined ? {} : { scale: { domain: [0, options.maxMs] } };
  const yScale = options.maxRound === undefined ? {} : { scale: { domain: [0, options.maxRound] } };
  const layer: VegaLiteSpec[] = [{
    data: { values },
    mark: { type: "line", interpolate: "step-after", point: { filled: true, size: 20 } },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time (ms)", ...xScale },
      y: { field: "round", type: "quantitative", title: "ballot round", ...yScale },
      color: { field: "proposer", type: "nominal", title: "proposer" },
      tooltip: [{ field: "proposer" }, { field: "round" }, {
        field: "t",
        title: "ms",
        format: ".1f",
      }],
    },
  }];
  if (options.decidedAtMs !== undefined && options.decidedAtMs !== null) {
    layer.push({
      data: { values: [{ t: options.decidedAtMs, label: "first value chosen" }] },
      mark: { type: "rule", color: "#2a9d3a", strokeWidth: 2, strokeDash: [4, 3] },
      encoding: { x: { field: "t", type: "quantitative" }, tooltip: [{ field: "label" }] },
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? "Ballots over time",
    width: options.width ?? 480,
    resolve: { scale: { x: "shared" } },
    height: options.height ?? 220,
    layer,
  };
}

/** One trial's time to the first decision (null when nothing was chosen in time). */
export interface DecisionSample {
  mode: string;
  ms: number | null;
}

/**
 * Empirical CDF of the time to the first decision, one line per mode. Trials that decided
 * nothing never reach the line's top, so a line that stops below 1 shows livelocked trials.
 *
 * @example
 * ```ts
 * import { paxosDecisionCdf } from "./paxos_charts.ts";
 * const spec = paxosDecisionCdf([{ mode: "leader", ms: 10 }, { mode: "immediate", ms: null }]);
 * if (spec.data === undefined) throw new Error("data");
 * ```
 */
export function paxosDecisionCdf(
  samples: readonly DecisionSample[],
  options: { title?: string; width?: number; height?: number } = {},
): VegaLiteSpec {
  const byMode = new Map<string, (number | null)[]>();
  for (const s of samples) {
    const values = byMode.get(s.mode);
    if (values) values.push(s.ms);
    else byMode.set(s.mode, [s.ms]);
  }
  const rows: { mode: string; ms: number; fraction: number }[] = [];
  for (const [mode, values] of byMode) {
    const decided = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    rows.push({ mode, ms: 0, fraction: 0 });
    decided.forEach((ms, i) => rows.push({ mode, ms, fraction: (i + 1) / values.length }));
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? "Time to first decision",
    width: options.width ?? 480,
    height: options.height ?? 220,
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", tooltip: true },
    encoding: {
      x: { field: "ms", type: "quantitative", title: "time to first decision (ms)" },
      y: {
        field: "fraction",
        type: "quantitative",
        title: "fraction of trials decided",
        scale: { domain: [0, 1] },
      },
      color: {
        field: "mode",
        type: "nominal",
        title: "proposers",
        scale: { domain: [...byMode.keys()] },
      },
    },
  };
}
