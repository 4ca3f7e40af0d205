/**
 * Experiment `trace`: requests through a small shop (client → gateway → orders → inventory and
 * payments in parallel), traced with W3C context propagation in message headers. During an
 * incident (one dependency slow, one failing now and then) it shows what each signal answers:
 * metrics say how many requests are hurt (p99, error rate) but not where; the trace of the
 * slowest request says which hop holds the time; the logs say why a request failed, and their
 * trace ids lead back to the trace.
 *
 * @module
 */

import type { SpanRecord } from "../observe/mod.ts";
import { toOtlpJson } from "../observe/mod.ts";
import { latencyOverTimeChart, traceWaterfallChart } from "../viz/observe_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import { runShop, SHOP_SERVICES } from "./trace_shop.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const SERVICE_CHOICES = ["none", ...SHOP_SERVICES] as const;

const TRACE_PARAMS = {
  requests: integerParam({ default: 50, min: 1, max: 5000, description: "Checkout requests" }),
  slowService: enumParam({
    values: SERVICE_CHOICES,
    default: "inventory",
    description: "Service made slow (the incident)",
  }),
  slowMs: numberParam({ default: 25, min: 0, max: 1000, description: "Extra time per call to it" }),
  failingService: enumParam({
    values: SERVICE_CHOICES,
    default: "payments",
    description: "Service that fails now and then",
  }),
  errorProbability: numberParam({
    default: 0.05,
    min: 0,
    max: 1,
    description: "Chance a call to the failing service fails",
  }),
};

/** Time a span spends outside its children (its own work, or the network for a client span). */
export function selfTimes(spans: readonly SpanRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of spans) {
    const children = spans.filter((c) => c.parentSpanId === s.spanId);
    // Parallel children overlap: count the union of their intervals, not the sum.
    const intervals = children.map((c) => [c.startMs, c.endMs]).sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let end = -Infinity;
    for (const [from, to] of intervals) {
      if (to <= end) continue;
      covered += to - Math.max(from, end);
      end = to;
    }
    out.set(s.spanId, s.endMs - s.startMs - covered);
  }
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Runs the experiment (the `run` of {@linkcode traceExperiment}). */
export function runTrace(params: ParamsOf<typeof TRACE_PARAMS>, seed: number): ExperimentResult {
  const shop = runShop({
    seed,
    requests: params.requests,
    slowMs: params.slowService === "none" ? {} : { [params.slowService]: params.slowMs },
    errorProbability: params.failingService === "none"
      ? {}
      : { [params.failingService]: params.errorProbability },
  });
  const slowest = [...shop.requests].sort((a, b) => b.latencyMs - a.latencyMs)[0];
  const trace = shop.spans.filter((s) => s.traceId === slowest.traceId);
  const self = selfTimes(trace);
  const culprit = [...trace].sort((a, b) => self.get(b.spanId)! - self.get(a.spanId)!)[0];
  const errorLogs = shop.logs.filter((l) => l.level === "error");
  const errorsBySource = Object.fromEntries(
    SHOP_SERVICES.map((s) => [s, errorLogs.filter((l) => l.service === s).length]),
  );
  const firstFailure = shop.requests.find((r) => !r.ok);
  return {
    summary: {
      requests: shop.requests.length,
      errorRate: round(shop.errors / Math.max(1, shop.requests.length)),
      p50Ms: round(shop.latency.quantile(0.5)),
      p99Ms: round(shop.latency.quantile(0.99)),
      p99SketchMs: round(shop.sketch.quantile(0.99)),
      slowestTraceId: slowest.traceId,
      slowestLatencyMs: round(slowest.latencyMs),
      spansInSlowestTrace: trace.length,
      metricsSay: `p99 ${
        round(shop.latency.quantile(0.99))
      } ms, ${shop.errors} of ${shop.requests.length} requests failed; not where`,
      traceSays: `span "${culprit.name}" on ${culprit.service} spent ${
        round(self.get(culprit.spanId)!)
      } of ${round(slowest.latencyMs)} ms on its own`,
      logsSay: firstFailure === undefined
        ? "no errors logged"
        : `${errorLogs.length} error lines; first: "${errorLogs[0]?.msg}" (trace ${
          firstFailure.traceId.slice(0, 8)
        }…)`,
      errorLinesByService: errorsBySource,
    },
    data: {
      trace,
      otlp: toOtlpJson(trace),
      requests: shop.requests,
      logs: shop.logs.slice(0, 200),
    },
    charts: [
      {
        title: "Waterfall of the slowest request",
        spec: traceWaterfallChart(
          trace.map((s) => ({ ...s, error: s.status.code === "error" })),
          { title: `Slowest request: ${round(slowest.latencyMs)} ms` },
        ),
      },
      {
        title: "Latency of every request",
        spec: latencyOverTimeChart(
          shop.requests.map((r) => ({ atMs: r.startMs, latencyMs: round(r.latencyMs), ok: r.ok })),
        ),
      },
    ],
    traceHash: shop.traceHash,
  };
}

/** The `trace` experiment. */
export const traceExperiment: Experiment = defineExperiment({
  name: "trace",
  title: "One request through several services: traces, metrics, logs",
  description:
    "A traced checkout through gateway, orders, inventory and payments during an incident; the waterfall of the slowest request and what each signal reveals",
  params: TRACE_PARAMS,
  run: (params, seed) => runTrace(params, seed),
});
