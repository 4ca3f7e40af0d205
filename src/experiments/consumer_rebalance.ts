/**
 * Experiment `consumer-rebalance`: a Kafka-style consumer group over a partitioned log, at
 * at-least-once. Consumers crash and restart, one is cut off from the broker and comes back, a
 * new one joins; each change is a rebalance that revokes every partition and hands them out
 * again from the committed offsets (the eager protocol). The chart shows which consumer owned
 * which partition when; the summary counts rebalances and the duplicates they cost, and how
 * long a crashed consumer's partitions waited for the session timeout.
 *
 * @module
 */

import { combineHashes } from "../sim/trace.ts";
import { runDelivery } from "../check/mod.ts";
import type { RebalanceEvent } from "../messaging/mod.ts";
import {
  type OwnershipMark,
  type OwnershipSpan,
  partitionOwnershipChart,
} from "../viz/messaging_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const REBALANCE_PARAMS = {
  messages: integerParam({ default: 200, min: 1, max: 2000, description: "Messages published" }),
  partitions: integerParam({ default: 6, min: 1, max: 64, description: "Log partitions" }),
  consumers: integerParam({ default: 2, min: 1, max: 8, description: "Consumers at the start" }),
  sessionTimeoutMs: integerParam({
    default: 300,
    min: 30,
    max: 10_000,
    description: "A silent consumer leaves the group after this long",
  }),
  setting: enumParam({
    values: ["at-least-once", "effectively-once"],
    default: "at-least-once",
    description: "Consumer setting",
  }),
};

/** Turns a group's rebalances into ownership spans, one per partition and generation. */
export function ownershipSpans(
  rebalances: readonly RebalanceEvent[],
  endMs: number,
): OwnershipSpan[] {
  const spans: OwnershipSpan[] = [];
  rebalances.forEach((r, i) => {
    const toMs = rebalances[i + 1]?.atMs ?? endMs;
    for (const [member, partitions] of Object.entries(r.assignment)) {
      for (const partition of partitions) {
        spans.push({ partition, member, fromMs: r.atMs, toMs, generation: r.generation });
      }
    }
  });
  return spans;
}

/** Runs the experiment (the `run` of {@linkcode consumerRebalanceExperiment}). */
export function runConsumerRebalance(
  params: ParamsOf<typeof REBALANCE_PARAMS>,
  seed: number,
): ExperimentResult {
  const run = runDelivery({
    system: "log",
    setting: params.setting,
    faults: "all",
    seed,
    messages: params.messages,
    partitions: params.partitions,
    consumers: params.consumers,
    sessionTimeoutMs: params.sessionTimeoutMs,
  });
  const marks: OwnershipMark[] = run.faults.map((f) => ({
    atMs: f.atMs,
    label: "node" in f ? `${f.kind} ${f.node}` : f.kind,
  }));
  // Draw up to a little past the last change: after it, ownership is steady until the end.
  const lastChangeMs = Math.max(
    params.messages * 5,
    ...marks.map((m) => m.atMs),
    ...run.rebalances.map((r) => r.atMs),
  );
  const spans = ownershipSpans(run.rebalances, Math.min(run.endMs, Math.round(lastChangeMs * 1.2)));
  const crash = run.faults.find((f) => f.kind === "crash");
  const detected = crash === undefined
    ? undefined
    : run.rebalances.find((r) => r.atMs >= crash.atMs);
  return {
    summary: {
      rebalances: run.rebalances.length,
      byReason: Object.fromEntries(
        ["join", "session-timeout"].map((
          reason,
        ) => [reason, run.rebalances.filter((r) => r.reason === reason).length]),
      ),
      firstRebalanceAfterCrashMs: crash && detected ? Math.round(detected.atMs - crash.atMs) : null,
      lost: run.counts.lost,
      duplicated: run.counts.duplicated,
      reordered: run.counts.reordered,
    },
    data: { spans, marks, rebalances: run.rebalances, counts: run.counts },
    charts: [{ title: "Partition ownership", spec: partitionOwnershipChart(spans, marks) }],
    traceHash: combineHashes([run.traceHash]),
  };
}

/** The `consumer-rebalance` experiment. */
export const consumerRebalanceExperiment: Experiment = defineExperiment({
  name: "consumer-rebalance",
  title: "Consumer group rebalances",
  description:
    "Partition ownership of a consumer group through crashes, a partition and a join; rebalances and the duplicates they cost",
  params: REBALANCE_PARAMS,
  run: (params, seed) => runConsumerRebalance(params, seed),
});
