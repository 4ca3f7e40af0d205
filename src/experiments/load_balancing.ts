/**
 * Experiment `load-balancing`: an open-loop client spreads requests over a pool of backends,
 * one of which is slower than the others (a noisy neighbour, a bad disk — fallacy 8, the
 * network and its hosts are not homogeneous). Round robin and random keep sending it its
 * share, so a queue builds there and sets the tail; least outstanding requests and the power
 * of two choices (Mitzenmacher 2001) notice the queue and steer around it. Reports p50 and
 * p99 latency per policy, all run on the same arrivals.
 *
 * @module
 */

import { Simulation } from "../sim/mod.ts";
import { combineHashes } from "../sim/trace.ts";
import {
  BALANCER_KINDS,
  type BalancerKind,
  type CallResult,
  latencyPercentile,
  loadClient,
  type ServiceMessage,
  serviceNode,
} from "../services/mod.ts";
import { resilienceBarChart } from "../viz/resilience_charts.ts";
import { roundTo } from "./stats.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const LOAD_BALANCING_PARAMS = {
  policy: enumParam({
    default: "all",
    values: ["all", ...BALANCER_KINDS] as const,
    description: "Which balancing policy to run (all: compare them)",
  }),
  backends: integerParam({ default: 5, min: 2, max: 50, description: "Backends in the pool" }),
  slowBackends: integerParam({
    default: 1,
    min: 0,
    max: 50,
    description: "How many of them are slow",
  }),
  slowdown: numberParam({
    default: 4,
    min: 1,
    max: 100,
    description: "Service-time factor of a slow backend",
  }),
  workers: integerParam({ default: 4, min: 1, max: 256, description: "Workers per backend" }),
  serviceTimeMs: numberParam({
    default: 20,
    min: 1,
    max: 1000,
    description: "Mean service time (exponential)",
  }),
  utilisation: numberParam({
    default: 0.6,
    min: 0.05,
    max: 0.95,
    description:
      "Offered load as a share of the pool's capacity (slow backends counted at their speed)",
  }),
  durationMs: integerParam({
    default: 10_000,
    min: 1000,
    max: 300_000,
    description: "Simulated duration",
  }),
};

/** The typed parameters of {@linkcode loadBalancingExperiment}. */
export type LoadBalancingParams = ParamsOf<typeof LOAD_BALANCING_PARAMS>;

/**
 * Requests per second that load the pool to `utilisation`: each backend serves
 * `workers / serviceTime` per ms, a slow one `slowdown` times less.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offeredRatePerSecond } from "./load_balancing.ts";
 * // Two backends of 1 worker at 10 ms: 200/s capacity; half of it is 100/s.
 * assert.equal(offeredRatePerSecond({ backends: 2, slowBackends: 0, slowdown: 1, workers: 1, serviceTimeMs: 10, utilisation: 0.5 }), 100);
 * ```
 */
export function offeredRatePerSecond(
  p: Pick<
    LoadBalancingParams,
    "backends" | "slowBackends" | "slowdown" | "workers" | "serviceTimeMs" | "utilisation"
  >,
): number {
  const fast = p.backends - Math.min(p.slowBackends, p.backends);
  const perBackend = (1000 * p.workers) / p.serviceTimeMs;
  return p.utilisation * (fast * perBackend + (p.backends - fast) * perBackend / p.slowdown);
}

/** Runs the pool under one policy; returns latencies and the trace hash. */
export function runBalancedPool(
  policy: BalancerKind,
  params: LoadBalancingParams,
  seed: number,
): { results: CallResult[]; hash: string; perBackend: Record<string, number> } {
  const sim = new Simulation<ServiceMessage>({ seed, trace: "hash" });
  const names = Array.from({ length: params.backends }, (_, i) => `b${i + 1}`);
  const perBackend: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  names.forEach((name, i) => {
    const slow = i < params.slowBackends;
    sim.addNode(
      name,
      serviceNode({
        workers: params.workers,
        queueLimit: 100_000,
        serviceTimeMs: params.serviceTimeMs * (slow ? params.slowdown : 1),
        onRequest: (node) => void perBackend[node]++,
      }),
    );
  });
  const results: CallResult[] = [];
  sim.addNode(
    "client",
    loadClient({
      backends: names,
      ratePerSecond: offeredRatePerSecond(params),
      durationMs: params.durationMs,
      policy: { balancer: policy },
      onResult: (_route, r) => void results.push(r),
    }),
  );
  sim.run({ untilMs: params.durationMs * 4 });
  return { results, hash: sim.trace.hash(), perBackend };
}

/** Runs the experiment (the `run` of {@linkcode loadBalancingExperiment}). */
export function runLoadBalancing(params: LoadBalancingParams, seed: number): ExperimentResult {
  const policies = params.policy === "all" ? BALANCER_KINDS : [params.policy];
  const runs = policies.map((policy) => ({ policy, ...runBalancedPool(policy, params, seed) }));
  const perPolicy = runs.map((run) => {
    const latencies = run.results.map((r) => r.endMs - r.startMs);
    const slowNames = Object.keys(run.perBackend).slice(0, params.slowBackends);
    const toSlow = slowNames.reduce((s, n) => s + run.perBackend[n], 0);
    return {
      policy: run.policy,
      requests: run.results.length,
      p50Ms: roundTo(latencyPercentile(latencies, 0.5) ?? 0, 2),
      p99Ms: roundTo(latencyPercentile(latencies, 0.99) ?? 0, 2),
      p999Ms: roundTo(latencyPercentile(latencies, 0.999) ?? 0, 2),
      shareToSlow: roundTo(run.results.length === 0 ? 0 : toSlow / run.results.length, 4),
    };
  });
  const bars = perPolicy.flatMap((p) => [
    { category: p.policy, group: "p50", value: p.p50Ms },
    { category: p.policy, group: "p99", value: p.p99Ms },
  ]);
  return {
    summary: {
      ratePerSecond: roundTo(offeredRatePerSecond(params), 2),
      p50Ms: Object.fromEntries(perPolicy.map((p) => [p.policy, p.p50Ms])),
      p99Ms: Object.fromEntries(perPolicy.map((p) => [p.policy, p.p99Ms])),
      shareToSlow: Object.fromEntries(perPolicy.map((p) => [p.policy, p.shareToSlow])),
      policies: perPolicy,
    },
    data: { perPolicy, bars },
    charts: [{
      title: "Latency per balancing policy",
      spec: resilienceBarChart(bars, { title: "Latency per policy (ms)", xTitle: "latency (ms)" }),
    }],
    traceHash: combineHashes(runs.map((r) => r.hash)),
  };
}

/** The `load-balancing` experiment. */
export const loadBalancingExperiment: Experiment = defineExperiment({
  name: "load-balancing",
  title: "Load balancing and tail latency",
  description:
    "Round robin, random, least outstanding requests and power of two choices over a pool with a slow backend; p50/p99 per policy",
  params: LOAD_BALANCING_PARAMS,
  run: (params, seed) => runLoadBalancing(params, seed),
});
