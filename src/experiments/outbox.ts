/**
 * The `outbox` experiment: duplicates against the relay's crash rate. Orders arrive at the
 * service; each is written with its event in one local transaction; the relay publishes and
 * marks rows after the consumer's acknowledgement. A crash between publishing and marking (or
 * a lost acknowledgement) publishes the row again, so the consumer sees duplicates; the same
 * runs with a naive consumer apply them twice, with an idempotent consumer never.
 * With `relay=mark-first` and some `lossProbability`, events are lost instead: a row marked
 * before its publish is never sent again when that publish is lost.
 *
 * Summary fields: `points` (per crash rate, summed over `trials` seeds: `crashRate`,
 * `duplicatesDelivered`, `appliedTwiceNaive`, `appliedTwiceIdempotent`, `lost`) and their totals.
 *
 * @module
 */

import { combineHashes, Random } from "../sim/mod.ts";
import { RELAY_VARIANTS } from "../transactions/mod.ts";
import { healTransactionsFaults, outboxSimulation } from "../check/search/saga_target.ts";
import { outboxCounts } from "../check/invariants/transactions.ts";
import { outboxDuplicatesChart, type OutboxPoint } from "../viz/transactions_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ParamsOf } from "./types.ts";
import { poissonCrashes } from "./saga_outcomes.ts";
import { roundTo } from "./stats.ts";

const OUTBOX_PARAMS = {
  orders: integerParam({ default: 100, min: 1, max: 5000, description: "Orders per run" }),
  ordersPerSecond: numberParam({
    default: 100,
    min: 1,
    max: 2000,
    description: "Order arrival rate during the fault phase",
  }),
  crashPoints: integerParam({
    default: 6,
    min: 1,
    max: 21,
    description: "Relay crash rates swept, evenly from 0 to maxCrashRate",
  }),
  maxCrashRate: numberParam({
    default: 20,
    min: 0,
    max: 50,
    description: "Highest crash rate of the service and its relay (crashes per second)",
  }),
  downMs: integerParam({
    default: 30,
    min: 1,
    max: 5000,
    description: "How long each crash keeps the service down (ms)",
  }),
  trials: integerParam({
    default: 3,
    min: 1,
    max: 100,
    description: "Runs (seeds) per crash rate; counts are summed over them",
  }),
  lossProbability: numberParam({
    default: 0,
    min: 0,
    max: 0.5,
    description: "Chance each message is lost during the fault phase (lost acks also duplicate)",
  }),
  relay: enumParam({
    values: RELAY_VARIANTS,
    default: "publish-then-mark",
    description: "publish-then-mark (at-least-once) or mark-first (loses events)",
  }),
};

/** One outbox run's counts at one crash rate, naive and idempotent consumer. */
function point(
  seed: number,
  crashRate: number,
  params: ParamsOf<typeof OUTBOX_PARAMS>,
): { point: OutboxPoint; hashes: string[] } {
  const spacing = 1000 / params.ordersPerSecond;
  const orders = Array.from({ length: params.orders }, (_, i) => ({
    orderId: `o${i + 1}`,
    atMs: roundTo(i * spacing, 3),
  }));
  const faultsMs = Math.ceil(params.orders * spacing) + 100;
  const horizonMs = faultsMs + 2000;
  const counts = [false, true].map((idempotent) => {
    // Both consumers see the same seed and the same crashes: the runs differ only in them.
    const sim = outboxSimulation({
      seed,
      orders,
      relay: params.relay,
      idempotent,
      lossProbability: params.lossProbability,
    });
    sim.schedule(poissonCrashes(new Random(seed).split("crashes"), "orders", {
      ratePerSecond: crashRate,
      untilMs: faultsMs,
      downMs: params.downMs,
    }));
    sim.schedule(healTransactionsFaults(faultsMs, ["orders"]));
    sim.run({ untilMs: horizonMs });
    return { ...outboxCounts(sim.trace.events), hash: sim.trace.hash() };
  });
  const [naive, idempotent] = counts;
  return {
    point: {
      crashRate,
      duplicatesDelivered: idempotent.duplicatesDelivered,
      appliedTwiceNaive: naive.duplicatesApplied,
      appliedTwiceIdempotent: idempotent.duplicatesApplied,
      lost: idempotent.lost,
    },
    hashes: counts.map((c) => c.hash),
  };
}

function run(
  params: ParamsOf<typeof OUTBOX_PARAMS>,
  seed: number,
  onProgress?: (done: number, total: number) => void,
) {
  const n = params.crashPoints;
  const rates = Array.from(
    { length: n },
    (_, i) => roundTo(n === 1 ? params.maxCrashRate : (params.maxCrashRate * i) / (n - 1), 3),
  );
  const root = new Random(seed);
  const hashes: string[] = [];
  const points: OutboxPoint[] = [];
  // The same seeds at every crash rate, so the curve shows the rate, not the luck of a seed.
  const seeds = Array.from({ length: params.trials }, () => root.nextUint32());
  for (const rate of rates) {
    const results = seeds.map((s) => point(s, rate, params));
    const sum = (key: keyof OutboxPoint) => results.reduce((t, r) => t + r.point[key], 0);
    points.push({
      crashRate: rate,
      duplicatesDelivered: sum("duplicatesDelivered"),
      appliedTwiceNaive: sum("appliedTwiceNaive"),
      appliedTwiceIdempotent: sum("appliedTwiceIdempotent"),
      lost: sum("lost"),
    });
    hashes.push(...results.flatMap((r) => r.hashes));
    onProgress?.(points.length, rates.length);
  }
  const total = (key: keyof OutboxPoint) => points.reduce((s, p) => s + p[key], 0);
  return {
    summary: {
      duplicatesDelivered: total("duplicatesDelivered"),
      appliedTwiceNaive: total("appliedTwiceNaive"),
      appliedTwiceIdempotent: total("appliedTwiceIdempotent"),
      lost: total("lost"),
      points,
    },
    data: { points },
    charts: [{ title: "Duplicates against relay crash rate", spec: outboxDuplicatesChart(points) }],
    traceHash: combineHashes(hashes),
  };
}

/** Outbox duplicates against relay crash rate, with and without an idempotent consumer. */
export const outboxExperiment: Experiment = defineExperiment({
  name: "outbox",
  title: "Transactional outbox: duplicates against relay crash rate",
  description:
    "Orders are written with their events in one local transaction; a relay publishes and " +
    "marks them. Crashes between publish and mark cause duplicates, which an idempotent " +
    "consumer absorbs. A relay that marks first loses events instead.",
  params: OUTBOX_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});
