/**
 * Experiment `cascade`: a cascading failure through a synchronous call chain — the seed's
 * "distributed monolith" — and its containment. Users call `web`, whose `orders` route calls
 * the `orders` service, which calls `db`; web's `catalog` route needs nothing else. When `db`
 * slows down, orders' workers all wait on it, then web's workers all wait on orders, and
 * `catalog` fails too although it never touches the database (Nygard, "Release It!", ch. 4
 * "Cascading Failures" and "Blocked Threads"). Containment, step by step: timeouts (stop
 * waiting), circuit breakers (stop calling), bulkheads (a slow dependency may hold only some
 * workers), and deadline propagation (drop work nobody waits for; the SRE book, ch. 22).
 *
 * @module
 */

import { Simulation } from "../sim/mod.ts";
import { combineHashes } from "../sim/trace.ts";
import {
  type CallPolicy,
  type CallResult,
  loadClient,
  type LoadClientProcess,
  type ServiceMessage,
  serviceNode,
  type ServiceProcess,
} from "../services/mod.ts";
import {
  resilienceBarChart,
  resilienceSuccessChart,
  type ResilienceSuccessPoint,
} from "../viz/resilience_charts.ts";
import { roundTo } from "./stats.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The protections compared, each including the ones before it. */
export const CASCADE_PROTECTIONS = [
  "none",
  "timeouts",
  "breakers",
  "bulkheads",
  "deadlines",
] as const;

/** A protection level by name. */
export type CascadeProtection = (typeof CASCADE_PROTECTIONS)[number];

const CASCADE_PARAMS = {
  protection: enumParam({
    default: "all",
    values: ["all", ...CASCADE_PROTECTIONS] as const,
    description: "Which protection to run (each includes the previous ones; all: compare them)",
  }),
  ratePerSecond: numberParam({
    default: 100,
    min: 1,
    max: 2000,
    description: "User requests per second",
  }),
  ordersShare: numberParam({
    default: 0.5,
    min: 0,
    max: 1,
    description: "Share of requests for orders (the rest: catalog)",
  }),
  durationMs: integerParam({
    default: 12_000,
    min: 2000,
    max: 120_000,
    description: "Simulated duration",
  }),
  slowStartMs: integerParam({
    default: 3000,
    min: 0,
    max: 120_000,
    description: "When the database slows down",
  }),
  slowMs: integerParam({
    default: 5000,
    min: 0,
    max: 120_000,
    description: "How long it stays slow",
  }),
  slowdown: numberParam({
    default: 50,
    min: 1,
    max: 1000,
    description: "Database service-time factor meanwhile",
  }),
  workers: integerParam({
    default: 16,
    min: 1,
    max: 256,
    description: "Workers in web and in orders",
  }),
  userTimeoutMs: integerParam({
    default: 2000,
    min: 10,
    max: 60_000,
    description: "Users give up after this",
  }),
  bucketMs: integerParam({ default: 250, min: 10, max: 10_000, description: "Chart bucket width" }),
};

/** The typed parameters of {@linkcode cascadeExperiment}. */
export type CascadeParams = ParamsOf<typeof CASCADE_PARAMS>;

/**
 * The call policy of a hop under a protection level; `timeoutMs` is the hop's timeout and
 * `workers` its caller's worker pool (a bulkhead lets a dependency hold half of it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cascadePolicy } from "./cascade.ts";
 * assert.deepEqual(cascadePolicy("none", { timeoutMs: 500, workers: 16 }), {});
 * assert.equal(cascadePolicy("bulkheads", { timeoutMs: 500, workers: 16 }).maxConcurrentCalls, 8);
 * ```
 */
export function cascadePolicy(
  protection: CascadeProtection,
  hop: { timeoutMs: number; workers: number },
): CallPolicy {
  const level = CASCADE_PROTECTIONS.indexOf(protection);
  if (level < 0) throw new RangeError(`Unknown cascade protection ${protection}`);
  const policy: CallPolicy = {};
  if (level >= 1) policy.timeoutMs = hop.timeoutMs;
  if (level >= 2) {
    policy.breaker = {
      windowSize: 20,
      minimumCalls: 10,
      failureRateThreshold: 50,
      slowCallDurationMs: hop.timeoutMs,
      slowCallRateThreshold: 50,
      waitInOpenMs: 1000,
      halfOpenProbes: 3,
    };
  }
  if (level >= 3) policy.maxConcurrentCalls = Math.max(1, Math.floor(hop.workers / 2));
  if (level >= 4) policy.propagateDeadline = true;
  return policy;
}

/** One protection level's run. */
export interface CascadeRun {
  protection: CascadeProtection;
  hash: string;
  results: { route: string; result: CallResult }[];
  /** Busy workers in web, orders and db, sampled every bucket. */
  busy: { tMs: number; service: string; busy: number }[];
}

/** Runs the chain under one protection level. */
export function runCascadeChain(
  protection: CascadeProtection,
  params: CascadeParams,
  seed: number,
): CascadeRun {
  const { durationMs, slowStartMs, slowMs, workers, bucketMs } = params;
  const sim = new Simulation<ServiceMessage, ServiceProcess | LoadClientProcess>({
    seed,
    trace: "hash",
  });
  const deadlines = protection === "deadlines";
  sim.addNode(
    "db",
    serviceNode({
      workers: 8,
      queueLimit: 256,
      serviceTimeMs: 10,
      dropExpired: deadlines,
      health: (t) => ({
        slowdown: t >= slowStartMs && t < slowStartMs + slowMs ? params.slowdown : 1,
        errorRate: 0,
      }),
    }),
  );
  sim.addNode(
    "orders",
    serviceNode({
      workers,
      queueLimit: 4 * workers,
      serviceTimeMs: 5,
      dropExpired: deadlines,
      dependencies: {
        orders: {
          backends: ["db"],
          policy: cascadePolicy(protection, { timeoutMs: 250, workers }),
        },
      },
    }),
  );
  sim.addNode(
    "web",
    serviceNode({
      workers,
      queueLimit: 4 * workers,
      serviceTimeMs: 2,
      dropExpired: deadlines,
      dependencies: {
        orders: {
          backends: ["orders"],
          policy: cascadePolicy(protection, { timeoutMs: 500, workers }),
        },
      },
    }),
  );
  const results: CascadeRun["results"] = [];
  const users = loadClient({
    backends: ["web"],
    ratePerSecond: params.ratePerSecond,
    durationMs,
    routes: [{ route: "orders", weight: params.ordersShare }, {
      route: "catalog",
      weight: 1 - params.ordersShare,
    }],
    // Users always give up eventually (a browser's timeout); they do not retry here.
    policy: { timeoutMs: params.userTimeoutMs, propagateDeadline: deadlines },
    deadlineMs: params.userTimeoutMs,
    onResult: (route, result) => void results.push({ route, result }),
  });
  sim.addNode("users", users);
  const busy: CascadeRun["busy"] = [];
  for (let t = 0; t < durationMs; t += bucketMs) {
    sim.at(t, () => {
      for (const service of ["web", "orders", "db"]) {
        const p = sim.processOf(service);
        busy.push({ tMs: t, service, busy: p && "busyWorkers" in p ? p.busyWorkers : 0 });
      }
    });
  }
  sim.run({ untilMs: durationMs + params.userTimeoutMs + 1 });
  return { protection, hash: sim.trace.hash(), results, busy };
}

function successRate(results: readonly { result: CallResult }[]): number | null {
  if (results.length === 0) return null;
  return roundTo(results.filter((r) => r.result.ok).length / results.length, 4);
}

/** Runs the experiment (the `run` of {@linkcode cascadeExperiment}). */
export function runCascade(params: CascadeParams, seed: number): ExperimentResult {
  const levels = params.protection === "all" ? CASCADE_PROTECTIONS : [params.protection];
  const runs = levels.map((p) => runCascadeChain(p, params, seed));
  const { slowStartMs, slowMs, bucketMs, durationMs } = params;
  const during = (r: { result: CallResult }) =>
    r.result.startMs >= slowStartMs && r.result.startMs < slowStartMs + slowMs;
  const perProtection = runs.map((run) => {
    const inFault = run.results.filter(during);
    return {
      protection: run.protection,
      requests: run.results.length,
      ordersSuccessDuringFault: successRate(inFault.filter((r) => r.route === "orders")),
      catalogSuccessDuringFault: successRate(inFault.filter((r) => r.route === "catalog")),
      successOverall: successRate(run.results),
      maxBusyWeb: Math.max(0, ...run.busy.filter((b) => b.service === "web").map((b) => b.busy)),
      maxBusyOrders: Math.max(
        0,
        ...run.busy.filter((b) => b.service === "orders").map((b) => b.busy),
      ),
    };
  });
  const catalogOverTime: ResilienceSuccessPoint[] = runs.flatMap((run) => {
    const n = Math.ceil(durationMs / bucketMs);
    return Array.from({ length: n }, (_, k) => ({
      series: run.protection,
      tMs: k * bucketMs,
      successRate: successRate(
        run.results.filter((r) =>
          r.route === "catalog" && r.result.startMs >= k * bucketMs &&
          r.result.startMs < (k + 1) * bucketMs
        ),
      ),
    }));
  });
  // Both routes of every protection, for pages that chart one protection's routes.
  const routesOverTime: ResilienceSuccessPoint[] = runs.flatMap((run) => {
    const n = Math.ceil(durationMs / bucketMs);
    return ["orders", "catalog"].flatMap((route) =>
      Array.from({ length: n }, (_, k) => ({
        series: `${run.protection}: ${route}`,
        tMs: k * bucketMs,
        successRate: successRate(
          run.results.filter((r) =>
            r.route === route && r.result.startMs >= k * bucketMs &&
            r.result.startMs < (k + 1) * bucketMs
          ),
        ),
      }))
    );
  });
  const bars = perProtection.flatMap((p) => [
    { category: p.protection, group: "orders", value: 100 * (p.ordersSuccessDuringFault ?? 0) },
    { category: p.protection, group: "catalog", value: 100 * (p.catalogSuccessDuringFault ?? 0) },
  ]);
  const shade = { startMs: slowStartMs, endMs: slowStartMs + slowMs };
  return {
    summary: {
      catalogSuccessDuringFault: Object.fromEntries(
        perProtection.map((p) => [p.protection, p.catalogSuccessDuringFault]),
      ),
      ordersSuccessDuringFault: Object.fromEntries(
        perProtection.map((p) => [p.protection, p.ordersSuccessDuringFault]),
      ),
      protections: perProtection,
    },
    data: {
      perProtection,
      catalogOverTime,
      routesOverTime,
      bars,
      busy: runs.map((r) => ({ protection: r.protection, busy: r.busy })),
      shade,
    },
    charts: [
      {
        title: "Catalog requests that succeeded (they never touch the database)",
        spec: resilienceSuccessChart(catalogOverTime, {
          title: "catalog: succeeded per protection",
          shade,
        }),
      },
      {
        title: "Success during the slowdown",
        spec: resilienceBarChart(bars, {
          title: "Succeeded during the slowdown (%)",
          xTitle: "succeeded (%)",
        }),
      },
    ],
    traceHash: combineHashes(runs.map((r) => r.hash)),
  };
}

/** The `cascade` experiment. */
export const cascadeExperiment: Experiment = defineExperiment({
  name: "cascade",
  title: "Cascading failure through a call chain",
  description:
    "users → web → orders → db; db slows down; without protection an unrelated route fails too; timeouts, breakers, bulkheads and deadlines contain it",
  params: CASCADE_PARAMS,
  run: (params, seed) => runCascade(params, seed),
});
