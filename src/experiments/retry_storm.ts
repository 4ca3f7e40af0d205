/**
 * Experiment `retry-storm`: a synchronous chain of services (client → s1 → … → the database),
 * every hop retrying its downstream call. The database slows down for a while; callers time
 * out and retry, and each layer multiplies the attempts of the one above — up to
 * `attempts^depth` calls at the bottom per user request (the SRE book, ch. 22 "Addressing
 * Cascading Failures", "Retries"; Brooker, "Exponential RetryBackoff And Jitter", 2015). Compares,
 * in one run, no retries, immediate retries, exponential backoff, backoff with full jitter,
 * and jitter with a retry budget, by load amplification at the bottom, peak load, success and
 * how long the system takes to recover after the slowdown ends.
 *
 * @module
 */

import { Simulation } from "../sim/mod.ts";
import { combineHashes } from "../sim/trace.ts";
import {
  type CallPolicy,
  type CallResult,
  latencyPercentile,
  loadClient,
  ratePerBucket,
  type ServiceMessage,
  serviceNode,
} from "../services/mod.ts";
import {
  resilienceBarChart,
  resilienceLoadChart,
  type ResilienceLoadPoint,
} from "../viz/resilience_charts.ts";
import { roundTo } from "./stats.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The retry policies compared, mildest containment last. */
export const RETRY_POLICIES = ["no-retries", "immediate", "backoff", "jitter", "budget"] as const;

/** A retry policy by name. */
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];

const RETRY_STORM_PARAMS = {
  policy: enumParam({
    default: "all",
    values: ["all", ...RETRY_POLICIES] as const,
    description: "Which retry policy to run (all: compare them)",
  }),
  depth: integerParam({
    default: 3,
    min: 1,
    max: 5,
    description: "Services in the chain, the database included",
  }),
  attempts: integerParam({
    default: 3,
    min: 1,
    max: 10,
    description: "Attempts per call at every hop",
  }),
  ratePerSecond: numberParam({
    default: 150,
    min: 1,
    max: 2000,
    description: "User requests per second (open loop)",
  }),
  durationMs: integerParam({
    default: 12_000,
    min: 2000,
    max: 120_000,
    description: "Simulated duration",
  }),
  slowStartMs: integerParam({
    default: 4000,
    min: 0,
    max: 120_000,
    description: "When the database slows down",
  }),
  slowMs: integerParam({
    default: 3000,
    min: 0,
    max: 120_000,
    description: "How long it stays slow",
  }),
  slowdown: numberParam({
    default: 10,
    min: 1,
    max: 1000,
    description: "Database service-time factor meanwhile",
  }),
  workers: integerParam({ default: 8, min: 1, max: 256, description: "Database workers" }),
  serviceTimeMs: numberParam({
    default: 20,
    min: 1,
    max: 1000,
    description: "Database mean service time",
  }),
  timeoutMs: integerParam({
    default: 300,
    min: 1,
    max: 60_000,
    description: "Per-attempt timeout at every hop",
  }),
  baseMs: integerParam({ default: 50, min: 1, max: 10_000, description: "RetryBackoff base" }),
  budgetRatio: numberParam({
    default: 0.1,
    min: 0,
    max: 10,
    description: "Retry budget: retries per request",
  }),
  bucketMs: integerParam({ default: 250, min: 10, max: 10_000, description: "Chart bucket width" }),
};

/** The typed parameters of {@linkcode retryStormExperiment}. */
export type RetryStormParams = ParamsOf<typeof RETRY_STORM_PARAMS>;

/**
 * The call policy every hop uses under a named retry policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryCallPolicy } from "./retry_storm.ts";
 * assert.equal(retryCallPolicy("no-retries", { attempts: 3, timeoutMs: 100, baseMs: 10, budgetRatio: 0.1 }).maxAttempts, 1);
 * assert.equal(retryCallPolicy("jitter", { attempts: 3, timeoutMs: 100, baseMs: 10, budgetRatio: 0.1 }).backoff?.jitter, "full");
 * ```
 */
export function retryCallPolicy(
  policy: RetryPolicyName,
  p: { attempts: number; timeoutMs: number; baseMs: number; budgetRatio: number },
): CallPolicy {
  const base: CallPolicy = { timeoutMs: p.timeoutMs, maxAttempts: p.attempts };
  const capMs = 100 * p.baseMs;
  switch (policy) {
    case "no-retries":
      return { ...base, maxAttempts: 1 };
    case "immediate":
      return base;
    case "backoff":
      return { ...base, backoff: { baseMs: p.baseMs, capMs, jitter: "none" } };
    case "jitter":
      return { ...base, backoff: { baseMs: p.baseMs, capMs, jitter: "full" } };
    case "budget":
      return {
        ...base,
        backoff: { baseMs: p.baseMs, capMs, jitter: "full" },
        retryBudget: { ratio: p.budgetRatio, minRetriesPerSecond: 1, windowMs: 10_000 },
      };
    default: {
      const never: never = policy;
      throw new Error(`Unknown retry policy ${never}`);
    }
  }
}

/** What one policy's run measured. */
export interface RetryStormRun {
  policy: RetryPolicyName;
  hash: string;
  results: CallResult[];
  /** Arrival times at the database (every attempt from the hop above). */
  bottomArrivals: number[];
}

/** Runs the chain under one policy. */
export function runRetryChain(
  policy: RetryPolicyName,
  params: RetryStormParams,
  seed: number,
): RetryStormRun {
  const { depth, durationMs, slowStartMs, slowMs } = params;
  const sim = new Simulation<ServiceMessage>({ seed, trace: "hash" });
  const callPolicy = retryCallPolicy(policy, params);
  const names = Array.from({ length: depth }, (_, i) => (i === depth - 1 ? "db" : `s${i + 1}`));
  const bottomArrivals: number[] = [];
  const results: CallResult[] = [];
  names.forEach((name, i) => {
    const bottom = i === depth - 1;
    sim.addNode(
      name,
      serviceNode({
        // Upper hops have threads to spare; the database is the bottleneck.
        workers: bottom ? params.workers : 256,
        queueLimit: bottom ? 4 * params.workers : 4096,
        serviceTimeMs: bottom ? params.serviceTimeMs : 1,
        health: bottom
          ? (
            t,
          ) => (t >= slowStartMs && t < slowStartMs + slowMs
            ? { slowdown: params.slowdown, errorRate: 0 }
            : { slowdown: 1, errorRate: 0 })
          : undefined,
        dependencies: bottom ? {} : { default: { backends: [names[i + 1]], policy: callPolicy } },
        onRequest: bottom ? (_n, _r, t) => void bottomArrivals.push(t) : undefined,
      }),
    );
  });
  sim.addNode(
    "users",
    loadClient({
      backends: [names[0]],
      ratePerSecond: params.ratePerSecond,
      durationMs,
      policy: callPolicy,
      onResult: (_route, r) => void results.push(r),
    }),
  );
  sim.run({ untilMs: durationMs + 5 * params.timeoutMs * params.attempts });
  return { policy, hash: sim.trace.hash(), results, bottomArrivals };
}

/**
 * The first bucket start at or after `fromMs` from which every later bucket (up to
 * `untilMs`) has a success rate of at least `threshold`; null if there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recoveredAtMs } from "./retry_storm.ts";
 * const r = (endMs: number, ok: boolean) => ({ ok, reason: ok ? "ok" : "error", attempts: 1, startMs: endMs, endMs, backend: null }) as const;
 * const results = [r(50, false), r(150, true), r(250, true)];
 * assert.equal(recoveredAtMs(results, { fromMs: 0, untilMs: 300, bucketMs: 100, threshold: 0.9 }), 100);
 * ```
 */
export function recoveredAtMs(
  results: readonly CallResult[],
  options: { fromMs: number; untilMs: number; bucketMs: number; threshold: number },
): number | null {
  const { fromMs, untilMs, bucketMs, threshold } = options;
  const n = Math.ceil((untilMs - fromMs) / bucketMs);
  const ok = new Array<number>(n).fill(0);
  const all = new Array<number>(n).fill(0);
  for (const r of results) {
    const k = Math.floor((r.startMs - fromMs) / bucketMs);
    if (k < 0 || k >= n) continue;
    all[k]++;
    if (r.ok) ok[k]++;
  }
  let recovered: number | null = null;
  for (let k = n - 1; k >= 0; k--) {
    if (all[k] > 0 && ok[k] / all[k] < threshold) break;
    recovered = fromMs + k * bucketMs;
  }
  return recovered;
}

/** Runs the experiment (the `run` of {@linkcode retryStormExperiment}). */
export function runRetryStorm(params: RetryStormParams, seed: number): ExperimentResult {
  const policies = params.policy === "all" ? RETRY_POLICIES : [params.policy];
  const runs = policies.map((p) => runRetryChain(p, params, seed));
  const { durationMs, bucketMs, slowStartMs, slowMs } = params;
  const perPolicy = runs.map((run) => {
    const requests = run.results.length;
    const peak = Math.max(...ratePerBucket(run.bottomArrivals, { bucketMs, durationMs }));
    const recovered = recoveredAtMs(run.results, {
      fromMs: slowStartMs + slowMs,
      untilMs: durationMs,
      bucketMs,
      threshold: 0.95,
    });
    return {
      policy: run.policy,
      requests,
      callsAtBottom: run.bottomArrivals.length,
      amplification: roundTo(requests === 0 ? 0 : run.bottomArrivals.length / requests, 3),
      peakLoadPerSecond: roundTo(peak, 1),
      successRate: roundTo(
        requests === 0 ? 0 : run.results.filter((r) => r.ok).length / requests,
        4,
      ),
      recoveryMs: recovered === null ? null : roundTo(recovered - (slowStartMs + slowMs), 1),
      p99Ms: roundTo(latencyPercentile(run.results.map((r) => r.endMs - r.startMs), 0.99) ?? 0, 2),
    };
  });
  const load: ResilienceLoadPoint[] = runs.flatMap((run) =>
    ratePerBucket(run.bottomArrivals, { bucketMs, durationMs }).map((perSecond, k) => ({
      series: run.policy,
      tMs: k * bucketMs,
      perSecond,
    }))
  );
  return {
    summary: {
      depth: params.depth,
      attempts: params.attempts,
      worstCaseAmplification: params.attempts ** params.depth,
      amplification: Object.fromEntries(perPolicy.map((p) => [p.policy, p.amplification])),
      peakLoadPerSecond: Object.fromEntries(perPolicy.map((p) => [p.policy, p.peakLoadPerSecond])),
      successRate: Object.fromEntries(perPolicy.map((p) => [p.policy, p.successRate])),
      recoveryMs: Object.fromEntries(perPolicy.map((p) => [p.policy, p.recoveryMs])),
      policies: perPolicy,
    },
    data: { load, perPolicy, slow: { startMs: slowStartMs, endMs: slowStartMs + slowMs } },
    charts: [
      {
        title: "Load reaching the database",
        spec: resilienceLoadChart(load, {
          title: "Calls per second reaching the database",
          yTitle: "calls/s at the database",
          shade: { startMs: slowStartMs, endMs: slowStartMs + slowMs },
        }),
      },
      {
        title: "Load amplification",
        spec: resilienceBarChart(
          perPolicy.map((p) => ({ category: p.policy, value: p.amplification })),
          {
            title: "Calls at the database per user request",
            xTitle: "amplification",
          },
        ),
      },
    ],
    traceHash: combineHashes(runs.map((r) => r.hash)),
  };
}

/** The `retry-storm` experiment. */
export const retryStormExperiment: Experiment = defineExperiment({
  name: "retry-storm",
  title: "Retry storm through a call chain",
  description:
    "Every hop retries; the database slows down; load amplification with and without backoff, jitter and retry budgets",
  params: RETRY_STORM_PARAMS,
  run: (params, seed) => runRetryStorm(params, seed),
});
