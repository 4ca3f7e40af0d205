/**
 * Experiment `cap`: the same five-replica store as a CP configuration (majority quorums, ABD:
 * R = W = 3 of N = 5) and an AP one (R = W = 1, last-writer-wins on client clocks, anti-entropy),
 * partitioned into a minority (2 replicas) and a majority (3) for a while, clients on both sides.
 * Measures availability per side during the partition and the anomalies each store shows
 * (stale reads, the linearizability verdict), and whether replicas converge after the heal
 * (Gilbert and Lynch, "Brewer's Conjecture and the Feasibility of Consistent, Available,
 * Partition-Tolerant Web Services", §3).
 *
 * @module
 */

import { combineHashes } from "../sim/mod.ts";
import { replicationBarChart } from "../viz/replication_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { integerParam } from "./param_specs.ts";
import { quorumPreset, runQuorumOnce } from "./quorum.ts";
import { roundTo } from "./stats.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const PARAMS = {
  partitionMs: integerParam({ default: 400, min: 0, max: 5000, description: "Partition length" }),
  ops: integerParam({ default: 60, min: 4, max: 400, description: "Operations per client" }),
  clients: integerParam({
    default: 4,
    min: 2,
    max: 8,
    description: "Clients, split over both sides",
  }),
};

/** Runs the `cap` experiment. */
export function runCap(params: ParamsOf<typeof PARAMS>, seed: number): ExperimentResult {
  const atMs = 200;
  const window = { atMs, healMs: atMs + params.partitionMs };
  const stores = [
    { store: "CP (majority quorum, ABD)", quorum: quorumPreset("abd", 5, 3, 3) },
    { store: "AP (R = W = 1, LWW)", quorum: quorumPreset("dynamo", 5, 1, 1) },
  ];
  const rows = stores.map(({ store, quorum }) => {
    const run = runQuorumOnce({
      quorum,
      replicas: 5,
      clients: params.clients,
      opsPerClient: params.ops,
      meanLatencyMs: 3,
      antiEntropyMs: 50,
      partition: params.partitionMs > 0 ? window : undefined,
      clientSkewMs: 10,
      keys: 1,
    }, seed);
    const during = (side: number) =>
      run.sessions.filter((s) =>
        run.sideOf[s.process - 1] === side && s.invokeMs >= window.atMs &&
        s.invokeMs < window.healMs
      );
    const availability = (side: number) => {
      const ops = during(side);
      return ops.length === 0
        ? 1
        : roundTo(ops.filter((s) => s.outcome === "ok").length / ops.length, 3);
    };
    return {
      store,
      minorityOpsDuringPartition: during(0).length,
      minorityAvailability: availability(0),
      majorityOpsDuringPartition: during(1).length,
      majorityAvailability: availability(1),
      staleReads: run.staleReads,
      verdict: run.verdict,
      convergedAfterHeal: run.converged,
      traceHash: run.traceHash,
    };
  });
  const bars = rows.flatMap((r) => [
    { group: r.store, series: "minority side available", value: r.minorityAvailability },
    { group: r.store, series: "majority side available", value: r.majorityAvailability },
  ]);
  return {
    summary: Object.fromEntries(
      rows.map(({ traceHash: _h, ...row }, i) => [i === 0 ? "cp" : "ap", row]),
    ),
    data: { rows },
    charts: [{
      title: "Availability per side during the partition",
      spec: replicationBarChart(bars, { yTitle: "fraction of operations that succeeded" }),
    }],
    traceHash: combineHashes(rows.map((r) => r.traceHash)),
  };
}

/** The `cap` experiment. */
export const capExperiment: Experiment = defineExperiment({
  name: "cap",
  title: "CAP: a CP and an AP store through the same partition",
  description:
    "Availability per side, stale reads, linearizability and convergence after the heal for a majority-quorum and an LWW store",
  params: PARAMS,
  run: (params, seed) => runCap(params, seed),
});
