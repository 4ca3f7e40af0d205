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
import { FALLACY_DEMOS } from "./fallacy_demos.ts";
import type { Experiment, ExperimentResult, Params } from "./types.ts";

const IDS = FALLACIES.map((f) => f.id);

function runAll(params: Params, seed: number, onProgress?: (d: number, t: number) => void) {
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
    spec: barChart(rows, { title: "What each assumption cost in this run", width: 420 }),
  });
  const traceHash = combineHashes(hashes);
  return { summary, data: { hashes }, charts, traceHash };
}

/** The eight fallacies as runnable demos. */
export const fallaciesExperiment: Experiment = {
  name: "fallacies",
  title: "The eight fallacies of distributed computing, each broken by its knob",
  description:
    "Runs a naive workload per fallacy (increments without retries, last-writer-wins by arrival, " +
    "bulk uploads, unauthenticated transfers, heartbeat membership, a misconfigured timeout, " +
    "unbatched updates, fan-out to uneven servers) and measures what the assumption costs.",
  params: {
    fallacy: {
      kind: "enum",
      default: "all",
      values: ["all", ...IDS],
      description: "Which fallacy to demonstrate (all: every one, summarised)",
    },
    requests: {
      kind: "integer",
      default: 40,
      min: 1,
      max: 2000,
      description: "Requests the client sends",
    },
    lossProbability: {
      kind: "number",
      default: 0.1,
      min: 0,
      max: 1,
      description: "1 reliable: chance a message is lost",
    },
    duplicateProbability: {
      kind: "number",
      default: 0.1,
      min: 0,
      max: 1,
      description: "1 reliable: chance a message is delivered twice",
    },
    latencyMinMs: {
      kind: "number",
      default: 1,
      min: 0,
      max: 5000,
      description: "2 latency: fastest one-way latency",
    },
    latencyMaxMs: {
      kind: "number",
      default: 40,
      min: 0,
      max: 5000,
      description: "2 latency: slowest one-way latency",
    },
    fifo: {
      kind: "boolean",
      default: false,
      description: "2 latency: links keep send order (like one TCP connection)",
    },
    bandwidthBytesPerMs: {
      kind: "number",
      default: 500,
      min: 1,
      max: 1e9,
      description: "3 bandwidth: link capacity in bytes per ms",
    },
    messageBytes: {
      kind: "integer",
      default: 2000,
      min: 1,
      max: 10_000_000,
      description: "3 bandwidth: size of each upload",
    },
    queueLimitBytes: {
      kind: "number",
      default: 30_000,
      min: 0,
      max: 1e12,
      description: "3 bandwidth: bytes the link may queue before dropping",
    },
    tamperProbability: {
      kind: "number",
      default: 0.1,
      min: 0,
      max: 1,
      description: "4 secure: chance a message is altered in flight",
    },
    authenticate: {
      kind: "boolean",
      default: false,
      description: "4 secure: receivers authenticate messages (mTLS) and drop altered ones",
    },
    partitionMs: {
      kind: "number",
      default: 800,
      min: 0,
      max: 60_000,
      description: "5 topology: how long the partition lasts",
    },
    misconfiguredTimeoutMs: {
      kind: "number",
      default: 90,
      min: 1,
      max: 10_000,
      description:
        "6 administrator: n4's failure-detector timeout (others: 300 ms; heartbeat 100 ms)",
    },
    batchSize: {
      kind: "integer",
      default: 1,
      min: 1,
      max: 1000,
      description: "7 transport cost: updates per message",
    },
    costPerMessage: {
      kind: "number",
      default: 1,
      min: 0,
      max: 1e6,
      description: "7 transport cost: cost units per message",
    },
    costPerByte: {
      kind: "number",
      default: 0.01,
      min: 0,
      max: 1e6,
      description: "7 transport cost: cost units per byte",
    },
    slowProcessingMs: {
      kind: "number",
      default: 15,
      min: 0,
      max: 10_000,
      description: "8 homogeneous: ms the slow server spends per request (others: 1)",
    },
    driftPpm: {
      kind: "number",
      default: 20_000,
      min: -500_000,
      max: 500_000,
      description: "8 homogeneous: clock drift of the slow server in ppm",
    },
  },
  run(params, seed, options = {}): ExperimentResult {
    if (params.fallacy === "all") return runAll(params, seed, options.onProgress);
    return FALLACY_DEMOS[params.fallacy as FallacyId](params, seed);
  },
};
