/**
 * Experiment `circuit-breaker`: an open-loop client calls a dependency through a circuit
 * breaker; for a while the dependency fails most requests and slows down, then recovers.
 * Shows the breaker's state over time against the error rate and the load reaching the
 * dependency, and counts what half-open lets through — with the correct breaker (at most
 * `halfOpenProbes`) and the seed's `half-open-flood` (everyone who asks).
 *
 * @module
 */

import { Simulation } from "../sim/mod.ts";
import { BREAKER_VARIANTS, type BreakerEvent } from "../resilience/mod.ts";
import {
  callBuckets,
  type CallResult,
  latencyPercentile,
  loadClient,
  ratePerBucket,
  type ServiceMessage,
  serviceNode,
} from "../services/mod.ts";
import {
  halfOpenProbesBounded,
  maxHalfOpenInFlight,
  openRejectsWithoutCalling,
} from "../check/mod.ts";
import { type BreakerSpan, breakerTimelineChart } from "../viz/resilience_charts.ts";
import { ParamError } from "./params.ts";
import { roundTo } from "./stats.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const CIRCUIT_BREAKER_PARAMS = {
  variant: enumParam({
    default: "correct",
    values: BREAKER_VARIANTS,
    description:
      "Breaker implementation (half-open-flood: the seed's, lets every caller through when half-open)",
  }),
  breaker: booleanParam({
    default: true,
    description: "Put a breaker in front of the dependency at all",
  }),
  ratePerSecond: numberParam({
    default: 200,
    min: 1,
    max: 2000,
    description: "Client requests per second (open loop)",
  }),
  durationMs: integerParam({
    default: 20_000,
    min: 1000,
    max: 300_000,
    description: "Simulated duration",
  }),
  outageStartMs: integerParam({
    default: 4000,
    min: 0,
    max: 300_000,
    description: "When the dependency starts failing",
  }),
  outageMs: integerParam({ default: 8000, min: 0, max: 300_000, description: "How long it fails" }),
  outageErrorRate: numberParam({
    default: 0.9,
    min: 0,
    max: 1,
    description: "Share of requests it fails meanwhile",
  }),
  outageSlowdown: numberParam({
    default: 10,
    min: 1,
    max: 1000,
    description: "Service-time factor meanwhile",
  }),
  serviceTimeMs: numberParam({
    default: 20,
    min: 0,
    max: 10_000,
    description: "ServiceDependency's mean service time",
  }),
  timeoutMs: integerParam({
    default: 1000,
    min: 1,
    max: 60_000,
    description: "Client's per-call timeout",
  }),
  windowSize: integerParam({
    default: 20,
    min: 1,
    max: 1000,
    description: "Breaker: count-based window size",
  }),
  minimumCalls: integerParam({
    default: 10,
    min: 0,
    max: 1000,
    description: "Breaker: calls before it decides",
  }),
  failureRateThreshold: numberParam({
    default: 50,
    min: 1,
    max: 100,
    description: "Breaker: failure rate (%) that trips it",
  }),
  waitInOpenMs: integerParam({
    default: 2000,
    min: 0,
    max: 300_000,
    description: "Breaker: time open before probing",
  }),
  halfOpenProbes: integerParam({
    default: 3,
    min: 1,
    max: 1000,
    description: "Breaker: probes admitted half-open",
  }),
  bucketMs: integerParam({ default: 250, min: 10, max: 10_000, description: "Chart bucket width" }),
};

/** The typed parameters of {@linkcode circuitBreakerExperiment}. */
export type CircuitBreakerParams = ParamsOf<typeof CIRCUIT_BREAKER_PARAMS>;

/**
 * Spans of breaker state from its transitions, closed from 0 until the first one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { breakerSpans } from "./circuit_breaker.ts";
 * const spans = breakerSpans([{ kind: "transition", atMs: 5, from: "closed", to: "open" }], 10);
 * assert.deepEqual(spans.map((s) => s.state), ["closed", "open"]);
 * ```
 */
export function breakerSpans(events: readonly BreakerEvent[], endMs: number): BreakerSpan[] {
  const spans: BreakerSpan[] = [];
  let state: BreakerSpan["state"] = "closed";
  let since = 0;
  for (const e of events) {
    if (e.kind !== "transition") continue;
    spans.push({ state, startMs: since, endMs: e.atMs });
    state = e.to;
    since = e.atMs;
  }
  spans.push({ state, startMs: since, endMs });
  return spans;
}

/** Runs the experiment (the `run` of {@linkcode circuitBreakerExperiment}). */
export function runCircuitBreaker(params: CircuitBreakerParams, seed: number): ExperimentResult {
  const { durationMs, outageStartMs, outageMs, bucketMs } = params;
  if (outageStartMs > durationMs) {
    throw new ParamError(
      `circuit-breaker: parameter outageStartMs (${outageStartMs}) must be ≤ durationMs (${durationMs})`,
    );
  }
  const outageEndMs = outageStartMs + outageMs;
  const inOutage = (t: number) => t >= outageStartMs && t < outageEndMs;
  const events: BreakerEvent[] = [];
  const results: CallResult[] = [];
  const arrivals: number[] = [];
  const sim = new Simulation<ServiceMessage>({ seed, trace: "hash" });
  sim.addNode(
    "dependency",
    serviceNode({
      workers: 64,
      queueLimit: 1000,
      serviceTimeMs: params.serviceTimeMs,
      health: (t) =>
        inOutage(t)
          ? { slowdown: params.outageSlowdown, errorRate: params.outageErrorRate }
          : { slowdown: 1, errorRate: 0 },
      onRequest: (_node, _request, t) => void arrivals.push(t),
    }),
  );
  sim.addNode(
    "client",
    loadClient({
      backends: ["dependency"],
      ratePerSecond: params.ratePerSecond,
      durationMs,
      policy: {
        timeoutMs: params.timeoutMs,
        breaker: params.breaker
          ? {
            windowSize: params.windowSize,
            minimumCalls: params.minimumCalls,
            failureRateThreshold: params.failureRateThreshold,
            slowCallDurationMs: params.timeoutMs,
            waitInOpenMs: params.waitInOpenMs,
            halfOpenProbes: params.halfOpenProbes,
            variant: params.variant,
            onEvent: (e) => void events.push(e),
          }
          : null,
      },
      onResult: (_route, r) => void results.push(r),
    }),
  );
  // Let calls still in flight at the end finish (or time out) so every arrival is counted.
  sim.run({ untilMs: durationMs + params.timeoutMs + 1 });

  const spans = breakerSpans(events, durationMs);
  const calls = callBuckets(results, { bucketMs, durationMs });
  const load = ratePerBucket(arrivals, { bucketMs, durationMs });
  const halfOpenPermits =
    events.filter((e) => e.kind === "permitted" && e.state === "half-open").length;
  const timeIn = (state: BreakerSpan["state"]) =>
    spans.filter((s) => s.state === state).reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  const okCount = results.filter((r) => r.ok).length;
  return {
    summary: {
      variant: params.breaker ? params.variant : "none",
      requests: results.length,
      succeeded: okCount,
      rejectedByBreaker: results.filter((r) => r.reason === "open").length,
      callsToDependency: arrivals.length,
      callsToDependencyDuringOutage: arrivals.filter(inOutage).length,
      trips: events.filter((e) => e.kind === "transition" && e.to === "open").length,
      timeOpenMs: roundTo(timeIn("open"), 1),
      timeHalfOpenMs: roundTo(timeIn("half-open"), 1),
      halfOpenPermits,
      maxHalfOpenInFlight: maxHalfOpenInFlight(events),
      probesBounded: halfOpenProbesBounded(events, params.halfOpenProbes),
      openRejects: openRejectsWithoutCalling(events),
      p50Ms: roundTo(latencyPercentile(results.map((r) => r.endMs - r.startMs), 0.5) ?? 0, 2),
      p99Ms: roundTo(latencyPercentile(results.map((r) => r.endMs - r.startMs), 0.99) ?? 0, 2),
    },
    data: {
      spans,
      buckets: calls.map((c, k) => ({
        tMs: c.tMs,
        errorRate: c.errorRate === null ? null : roundTo(c.errorRate, 4),
        p50Ms: c.p50Ms === null ? null : roundTo(c.p50Ms, 2),
        dependencyPerSecond: load[k],
      })),
      outage: { startMs: outageStartMs, endMs: outageEndMs },
    },
    charts: [],
    traceHash: sim.trace.hash(),
  };
}

/** The `circuit-breaker` experiment. */
export const circuitBreakerExperiment: Experiment = defineExperiment({
  name: "circuit-breaker",
  title: "Circuit breaker through an outage",
  description:
    "A client calls a failing, slowed dependency through a breaker; state timeline over error rate and load, half-open probes counted",
  params: CIRCUIT_BREAKER_PARAMS,
  run: (params, seed) => {
    const result = runCircuitBreaker(params, seed);
    const data = result.data as Parameters<typeof breakerTimelineChart>[0];
    result.charts.push({
      title: "Breaker state, error rate and load on the dependency",
      spec: breakerTimelineChart(data, { title: `Circuit breaker (${result.summary.variant})` }),
    });
    return result;
  },
});
