/**
 * Experiment `pacelc`: Else (no partition), Latency against Consistency (Abadi, "Consistency
 * Tradeoffs in Modern Distributed Database System Design", 2012). The same healthy store at
 * several consistency levels: quorum settings from R = W = 1 (fast, stale) to R = W = N, with
 * and without ABD's write-back, and the measured latency percentiles, stale reads and
 * linearizability verdict of each.
 *
 * @module
 */

import { combineHashes } from "../sim/mod.ts";
import { replicationBarChart } from "../viz/replication_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { integerParam, numberParam } from "./param_specs.ts";
import { quorumPreset, runQuorumOnce } from "./quorum.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const PARAMS = {
  meanLatencyMs: numberParam({ default: 5, min: 1, max: 200, description: "Mean one-way latency" }),
  ops: integerParam({ default: 40, min: 2, max: 400, description: "Operations per client" }),
  clients: integerParam({ default: 3, min: 1, max: 8, description: "Concurrent clients" }),
};

const LEVELS = [
  { level: "ONE (R1 W1)", preset: "dynamo", r: 1, w: 1 },
  { level: "QUORUM (R2 W2)", preset: "dynamo", r: 2, w: 2 },
  { level: "ALL (R3 W3)", preset: "dynamo", r: 3, w: 3 },
  { level: "ABD (R2 W2)", preset: "abd", r: 2, w: 2 },
] as const;

/** Runs the `pacelc` experiment. */
export function runPacelc(params: ParamsOf<typeof PARAMS>, seed: number): ExperimentResult {
  const rows = LEVELS.map(({ level, preset, r, w }) => {
    const run = runQuorumOnce({
      quorum: quorumPreset(preset, 3, r, w),
      replicas: 3,
      clients: params.clients,
      opsPerClient: params.ops,
      meanLatencyMs: params.meanLatencyMs,
      clientSkewMs: 10,
    }, seed);
    const { sessions: _s, sideOf: _side, ...rest } = run;
    return { level, ...rest };
  });
  const bars = rows.flatMap((r) => [
    { group: r.level, series: "read p50 ms", value: r.readLatencyP50Ms },
    { group: r.level, series: "write p50 ms", value: r.writeLatencyP50Ms },
    { group: r.level, series: "stale reads", value: r.staleReads },
  ]);
  return {
    summary: Object.fromEntries(
      rows.map(({ traceHash: _h, converged: _c, ...r }) => [r.level, r]),
    ),
    data: { rows },
    charts: [{
      title: "No partition: latency against consistency",
      spec: replicationBarChart(bars, { yTitle: "ms / reads" }),
    }],
    traceHash: combineHashes(rows.map((r) => r.traceHash)),
  };
}

/** The `pacelc` experiment. */
export const pacelcExperiment: Experiment = defineExperiment({
  name: "pacelc",
  title: "PACELC: latency against consistency with no partition",
  description:
    "Quorum consistency levels ONE, QUORUM, ALL and ABD: latency, stale reads, linearizability",
  params: PARAMS,
  run: (params, seed) => runPacelc(params, seed),
});
