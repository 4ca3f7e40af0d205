/**
 * The `fallacies` experiment: one small simulation per fallacy of distributed computing,
 * each with the knob that breaks the assumption. `fallacy=all` runs all eight with the
 * given knobs and summarises the damage.
 *
 * @module
 */

import { FALLACIES } from "../sim/fallacies.ts";
import type { FallacyId } from "../sim/fallacies.ts";
import { combineHashes } from "../sim/trace.ts";
import { barChart } from "../viz/charts.ts";
import { FALLACY_DEMOS, FALLACY_KNOBS, type FallacyKnobs } from "./fallacy_demos.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult } from "./types.ts";

const IDS = FALLACIES.map((f) => f.id);

function runAll(params: FallacyKnobs, seed: number, onProgress?: (d: number, t: number) => void) {
  const summary: Record<string, unknown> = {};
  const rows: { label: string; value: number; group?: string }[] = [];
  const hashes: string[] = [];
  const charts: ExperimentResult["charts"] = [];
  IDS.forEach((id, i) => {
    const result = FALLACY_DEMOS[id](params, seed);
    summary[id] = result.summary;
    hashes.push(result.traceHash ?? "");
    if (i === 0) charts.push(...result.charts.slice(0, 1));
    onProgress?.(i + 1, IDS.length);
  });
  const s = summary as Record<FallacyId, Record<string, number>>;
  rows.push(
    { label: "1 reliable: wrong increments", value: Math.abs(s.reliable.error) },
    { label: "2 latency: reordered writes", value: s.latency.reordered },
    { label: "3 bandwidth: uploads dropped", value: s.bandwidth.droppedQueueFull },
    { label: "4 secure: money from nowhere", value: Math.max(0, s.secure.discrepancy) / 10 },
    { label: "5 topology: ms of disagreement", value: s.topology.disagreementMs / 25 },
    { label: "6 administrator: false alarms", value: s.administrator.falseSuspicions },
    {
      label: "7 transport cost: x cost unbatched",
      value: s["transport-cost"].costUnbatched / Math.max(1, s["transport-cost"].cost),
    },
    {
      label: "8 homogeneous: fan-out p99 / p50 fast",
      value: s.homogeneous.fanOutP99Ms / Math.max(1, s.homogeneous.p50FastServerMs),
    },
  );
  charts.push({
    title: "Damage per fallacy (each in its own unit)",
    spec: barChart(rows, {
      title: "What each assumption cost in this run",
      width: 420,
      valueLabels: true,
    }),
  });
  const traceHash = combineHashes(hashes);
  return { summary, data: { hashes }, charts, traceHash };
}

/** The eight fallacies as runnable demos. */
export const fallaciesExperiment: Experiment = defineExperiment({
  name: "fallacies",
  title: "The eight fallacies of distributed computing, each broken by its knob",
  description:
    "Runs a naive workload per fallacy (increments without retries, last-writer-wins by arrival, " +
    "bulk uploads, unauthenticated transfers, heartbeat membership, a misconfigured timeout, " +
    "unbatched updates, fan-out to uneven servers) and measures what the assumption costs.",
  params: {
    fallacy: enumParam({
      default: "all",
      values: ["all", ...IDS],
      description: "Which fallacy to demonstrate (all: every one, summarised)",
    }),
    ...FALLACY_KNOBS,
  },
  run(params, seed, options): ExperimentResult {
    if (params.fallacy === "all") return runAll(params, seed, options.onProgress);
    return FALLACY_DEMOS[params.fallacy](params, seed);
  },
});
