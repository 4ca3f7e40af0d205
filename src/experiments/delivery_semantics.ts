/**
 * Experiment `delivery-semantics`: every messaging system at every delivery setting through
 * the same fault campaign (a consumer crash, a consumer cut off from the broker, a consumer
 * joining mid-stream, a log leader failover), counting the messages lost, duplicated and
 * reordered per key in the consumers' database. Then the known-broken consumers and producers
 * under the at-least-once claim. "Exactly once" is measured, not promised: what the settings
 * buy is visible as zeros in the table.
 *
 * @module
 */

import { combineHashes } from "../sim/trace.ts";
import {
  DELIVERY_FAULTS,
  type DeliveryGuarantee,
  MESSAGING_VARIANTS,
  runDelivery,
} from "../check/mod.ts";
import { MESSAGING_SYSTEMS } from "../messaging/mod.ts";
import { deliveryOutcomeChart } from "../viz/messaging_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const SETTINGS: readonly DeliveryGuarantee[] = [
  "at-most-once",
  "at-least-once",
  "effectively-once",
];

const DELIVERY_PARAMS = {
  messages: integerParam({ default: 100, min: 1, max: 2000, description: "Messages per run" }),
  keys: integerParam({ default: 4, min: 1, max: 50, description: "Distinct message keys" }),
  consumers: integerParam({ default: 2, min: 1, max: 8, description: "Consumers at the start" }),
  runs: integerParam({
    default: 3,
    min: 1,
    max: 50,
    description: "Runs (seeds seed, seed+1, ...)",
  }),
  faults: enumParam({
    values: DELIVERY_FAULTS,
    default: "all",
    description: "Fault campaign: crash, partition, rebalance, failover, or all of them",
  }),
  variants: booleanParam({
    default: true,
    description: "Also run the known-broken variants under the at-least-once claim",
  }),
};

/** One row of the result. */
export interface DeliverySemanticsRow {
  label: string;
  lost: number;
  duplicated: number;
  reordered: number;
  system: string;
  setting: string;
  variant: string;
  supported: boolean;
  published: number;
}

/** Runs the experiment (the `run` of {@linkcode deliverySemanticsExperiment}). */
export function runDeliverySemantics(
  params: ParamsOf<typeof DELIVERY_PARAMS>,
  seed: number,
): ExperimentResult {
  const rows: DeliverySemanticsRow[] = [];
  const hashes: string[] = [];
  const cases: {
    system: (typeof MESSAGING_SYSTEMS)[number];
    setting: DeliveryGuarantee;
    variant: (typeof MESSAGING_VARIANTS)[number];
  }[] = [];
  for (const system of MESSAGING_SYSTEMS) {
    for (const setting of SETTINGS) cases.push({ system, setting, variant: "correct" });
  }
  if (params.variants) {
    cases.push(
      { system: "log", setting: "at-least-once", variant: "commit-before-processing" },
      { system: "queue", setting: "at-least-once", variant: "ack-before-effect" },
      { system: "log", setting: "at-least-once", variant: "assume-order-across-partitions" },
    );
  }
  for (const c of cases) {
    const row: DeliverySemanticsRow = {
      ...c,
      label: c.variant === "correct" ? `${c.system} · ${c.setting}` : `${c.system} · ${c.variant}`,
      supported: true,
      published: 0,
      lost: 0,
      duplicated: 0,
      reordered: 0,
    };
    for (let k = 0; k < params.runs; k++) {
      const run = runDelivery({
        ...c,
        seed: seed + k,
        faults: params.faults,
        messages: params.messages,
        keys: params.keys,
        consumers: params.consumers,
      });
      row.supported = run.supported;
      row.published += run.counts.published;
      row.lost += run.counts.lost;
      row.duplicated += run.counts.duplicated;
      row.reordered += run.counts.reordered;
      if (run.supported) hashes.push(run.traceHash);
    }
    rows.push(row);
  }
  const measured = rows.filter((r) => r.supported);
  const table = (field: "lost" | "duplicated" | "reordered") =>
    Object.fromEntries(measured.map((r) => [r.label, r[field]]));
  return {
    summary: {
      messagesPerRun: params.messages,
      runs: params.runs,
      faults: params.faults,
      lost: table("lost"),
      duplicated: table("duplicated"),
      reordered: table("reordered"),
      unsupported: rows.filter((r) => !r.supported).map((r) => r.label).join(", "),
    },
    data: { rows },
    charts: [{
      title: "Lost, duplicated and reordered messages",
      spec: deliveryOutcomeChart(measured, {
        title:
          `Lost, duplicated, reordered (${params.runs} runs × ${params.messages} messages, faults: ${params.faults})`,
      }),
    }],
    traceHash: combineHashes(hashes),
  };
}

/** The `delivery-semantics` experiment. */
export const deliverySemanticsExperiment: Experiment = defineExperiment({
  name: "delivery-semantics",
  title: "At-most-once, at-least-once, effectively-once: measured",
  description:
    "Log, queue, pub/sub and stream at each delivery setting under crashes, partitions, rebalances and failover: messages lost, duplicated and reordered per key",
  params: DELIVERY_PARAMS,
  run: (params, seed) => runDeliverySemantics(params, seed),
});
