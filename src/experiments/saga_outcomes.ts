/**
 * The `saga-outcomes` experiment: sagas under step failures and orchestrator crashes.
 * It sweeps the chance that a step is refused and the orchestrator's crash rate; at each point
 * a batch of sagas runs through a fault phase (crashes, message loss), then everything heals
 * and the run continues until recovery can finish. Each saga is classified from the services'
 * own effects (Garcia-Molina and Salem §1): committed, compensated, or stuck (not ended, or
 * ended half-done). With the correct orchestrator `stuck` stays 0; the `forgetful` variant (the
 * seed's saga, which keeps its log in memory) leaves sagas stuck once it crashes.
 *
 * Summary fields (a contract): `committed`, `compensated`, `stuck` (totals over the sweep),
 * `halfDone`, and `points` (per sweep point counts).
 *
 * @module
 */

import { combineHashes, type Fault, type NodeId, Random, type TraceEvent } from "../sim/mod.ts";
import { SAGA_VARIANTS } from "../transactions/mod.ts";
import {
  DEFAULT_SAGA_STEPS,
  healTransactionsFaults,
  sagaSimulation,
} from "../check/search/saga_target.ts";
import { sagaOutcomes, type SagaVerdict } from "../check/invariants/transactions.ts";
import {
  type SagaNodeEvent,
  sagaOutcomeChart,
  type SagaOutcomePoint,
  sagaTimelineChart,
  type SagaTimelineEvent,
} from "../viz/transactions_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ParamsOf } from "./types.ts";
import { roundTo } from "./stats.ts";

/**
 * A crash/restart schedule for `node`: crashes arrive as a Poisson process of
 * `ratePerSecond` during [0, untilMs), each keeping the node down for `downMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { poissonCrashes } from "./saga_outcomes.ts";
 * const faults = poissonCrashes(new Random(1), "n1", { ratePerSecond: 5, untilMs: 2000, downMs: 50 });
 * assert.ok(faults.length > 0 && faults.length % 2 === 0);
 * assert.deepEqual(poissonCrashes(new Random(1), "n1", { ratePerSecond: 0, untilMs: 2000, downMs: 50 }), []);
 * ```
 */
export function poissonCrashes(
  random: Random,
  node: NodeId,
  options: { ratePerSecond: number; untilMs: number; downMs: number },
): Fault[] {
  const out: Fault[] = [];
  if (options.ratePerSecond <= 0) return out;
  let t = random.exponential(1000 / options.ratePerSecond);
  while (t < options.untilMs) {
    out.push({ atMs: t, kind: "crash", node });
    out.push({ atMs: t + options.downMs, kind: "restart", node });
    t += options.downMs + random.exponential(1000 / options.ratePerSecond);
  }
  return out;
}

/** One run of the sweep. */
export interface SagaRun {
  failureRate: number;
  crashRate: number;
  verdicts: SagaVerdict[];
  events: readonly TraceEvent[];
  crashTarget: NodeId;
  horizonMs: number;
  traceHash: string;
}

/** Options of {@linkcode runSagaBatch}. */
export interface SagaBatchOptions {
  failureRate: number;
  crashRate: number;
  sagas: number;
  variant: (typeof SAGA_VARIANTS)[number];
  mode: "orchestrated" | "choreographed";
  undoFailureRate: number;
  lossProbability: number;
  downMs: number;
}

/** Sagas begin every this many ms during the fault phase. */
const SAGA_SPACING_MS = 25;
/** After the fault phase everything heals; this leaves time for recovery to finish. */
const RECOVERY_MS = 3000;

/**
 * Runs one batch of sagas at one sweep point.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSagaBatch } from "./saga_outcomes.ts";
 * const run = runSagaBatch(7, {
 *   failureRate: 0.2, crashRate: 2, sagas: 10, variant: "correct", mode: "orchestrated",
 *   undoFailureRate: 0.3, lossProbability: 0.02, downMs: 150,
 * });
 * assert.equal(run.verdicts.filter((v) => v.outcome === "stuck").length, 0);
 * ```
 */
export function runSagaBatch(seed: number, options: SagaBatchOptions): SagaRun {
  const faultsMs = Math.max(500, options.sagas * SAGA_SPACING_MS + 200);
  const horizonMs = faultsMs + RECOVERY_MS;
  const sagas = Array.from({ length: options.sagas }, (_, i) => ({
    sagaId: `s${i + 1}`,
    atMs: i * SAGA_SPACING_MS,
  }));
  const sim = sagaSimulation({
    seed,
    sagas,
    mode: options.mode,
    variant: options.variant,
    rejectProbability: options.failureRate,
    undoFailureProbability: options.undoFailureRate,
    lossProbability: options.lossProbability,
  });
  const services = DEFAULT_SAGA_STEPS.map((s) => s.service);
  // Choreography has no orchestrator: crash the service that starts every saga instead.
  const crashTarget = options.mode === "orchestrated" ? "orchestrator" : services[0];
  const random = new Random(seed).split("crashes");
  sim.schedule(poissonCrashes(random, crashTarget, {
    ratePerSecond: options.crashRate,
    untilMs: faultsMs,
    downMs: options.downMs,
  }));
  sim.schedule(
    healTransactionsFaults(faultsMs, options.mode === "orchestrated" ? ["orchestrator"] : []),
  );
  sim.run({ untilMs: horizonMs });
  const verdicts = sagaOutcomes(sim.trace.events, {
    steps: DEFAULT_SAGA_STEPS.length,
    sagaIds: sagas.map((s) => s.sagaId),
  });
  return {
    failureRate: options.failureRate,
    crashRate: options.crashRate,
    verdicts,
    events: sim.trace.events,
    crashTarget,
    horizonMs,
    traceHash: sim.trace.hash(),
  };
}

/**
 * The marks of the per-saga timeline, from a run's trace: the orchestrator's log records,
 * resumes and failed compensations, plus the crash target's crashes and restarts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaTimeline } from "./saga_outcomes.ts";
 * const { events } = sagaTimeline([
 *   { t: 1, kind: "state", node: "orchestrator", key: "saga", value: { sagaId: "s1", kind: "begin", event: "begin" } },
 * ], "orchestrator");
 * assert.deepEqual(events, [{ sagaId: "s1", t: 1, event: "begin", step: undefined, detail: undefined }]);
 * ```
 */
export function sagaTimeline(
  trace: readonly TraceEvent[],
  crashTarget: NodeId,
): { events: SagaTimelineEvent[]; nodeEvents: SagaNodeEvent[] } {
  const events: SagaTimelineEvent[] = [];
  const nodeEvents: SagaNodeEvent[] = [];
  for (const e of trace) {
    if ((e.kind === "crash" || e.kind === "restart") && e.node === crashTarget) {
      nodeEvents.push({ t: e.t, kind: e.kind, node: e.node });
    } else if (e.kind === "state" && e.key === "saga") {
      const v = e.value as {
        sagaId: string;
        kind?: string;
        event?: string;
        step?: number;
        outcome?: string;
        abandoned?: boolean;
      };
      const event = v.event ?? v.kind ?? "?";
      const detail = v.outcome ?? (v.abandoned ? "abandoned (no answer)" : undefined);
      events.push({ sagaId: v.sagaId, t: e.t, event, step: v.step, detail });
    } else if (e.kind === "state" && e.key === "effect" && crashTarget !== "orchestrator") {
      // Choreography: the services' effects are the saga's steps.
      const v = e.value as { sagaId: string; step: number; effect: string };
      const event = v.effect === "done"
        ? "step-done"
        : v.effect === "rejected"
        ? "step-failed"
        : "compensated";
      events.push({ sagaId: v.sagaId, t: e.t, event, step: v.step });
    }
  }
  return { events, nodeEvents };
}

const SAGA_PARAMS = {
  sagas: integerParam({ default: 24, min: 1, max: 400, description: "Sagas per sweep point" }),
  failurePoints: integerParam({
    default: 6,
    min: 1,
    max: 21,
    description: "Step failure probabilities swept, evenly from 0 to maxFailureRate",
  }),
  maxFailureRate: numberParam({
    default: 0.5,
    min: 0,
    max: 1,
    description: "Highest chance that a step is refused",
  }),
  crashPoints: integerParam({
    default: 3,
    min: 1,
    max: 6,
    description: "Orchestrator crash rates swept, evenly from 0 to maxCrashRate",
  }),
  maxCrashRate: numberParam({
    default: 4,
    min: 0,
    max: 20,
    description: "Highest orchestrator crash rate (crashes per second of the fault phase)",
  }),
  downMs: integerParam({
    default: 150,
    min: 1,
    max: 5000,
    description: "How long each crash keeps the orchestrator down (ms)",
  }),
  undoFailureRate: numberParam({
    default: 0.3,
    min: 0,
    max: 0.9,
    description: "Chance each compensation attempt fails transiently",
  }),
  lossProbability: numberParam({
    default: 0.02,
    min: 0,
    max: 0.5,
    description: "Chance each message is lost during the fault phase",
  }),
  variant: enumParam({
    values: SAGA_VARIANTS,
    default: "correct",
    description: "Orchestrator: correct, forgetful (log in memory), no-retry-compensation",
  }),
  mode: enumParam({
    values: ["orchestrated", "choreographed"] as const,
    default: "orchestrated",
    description: "Orchestrated (one coordinator) or choreographed (services pass events)",
  }),
};

const sweep = (points: number, max: number) =>
  Array.from(
    { length: points },
    (_, i) => roundTo(points === 1 ? max : (max * i) / (points - 1), 3),
  );

function run(
  params: ParamsOf<typeof SAGA_PARAMS>,
  seed: number,
  onProgress?: (done: number, total: number) => void,
) {
  const failureRates = sweep(params.failurePoints, params.maxFailureRate);
  const crashRates = sweep(params.crashPoints, params.maxCrashRate);
  const root = new Random(seed);
  const runs: SagaRun[] = [];
  const total = failureRates.length * crashRates.length;
  for (const crashRate of crashRates) {
    for (const failureRate of failureRates) {
      runs.push(runSagaBatch(root.nextUint32(), { ...params, failureRate, crashRate }));
      onProgress?.(runs.length, total);
    }
  }
  const points = runs.map((r) => {
    const count = (o: string) => r.verdicts.filter((v) => v.outcome === o).length;
    return {
      failureRate: r.failureRate,
      crashRate: r.crashRate,
      committed: count("committed"),
      compensated: count("compensated"),
      stuck: count("stuck"),
      halfDone: r.verdicts.filter((v) => v.halfDone).length,
    } satisfies SagaOutcomePoint & { halfDone: number };
  });
  const sum = (key: "committed" | "compensated" | "stuck" | "halfDone") =>
    points.reduce((s, p) => s + p[key], 0);
  // The timeline shows the most eventful run: the most stuck sagas, then the most crashes.
  const crashes = (r: SagaRun) => r.events.filter((e) => e.kind === "crash").length;
  const stuck = (r: SagaRun) => r.verdicts.filter((v) => v.outcome === "stuck").length;
  const featured = runs.reduce((best, r) =>
    stuck(r) > stuck(best) || (stuck(r) === stuck(best) && crashes(r) > crashes(best)) ? r : best
  );
  const timeline = sagaTimeline(featured.events, featured.crashTarget);
  // Draw up to shortly after the last thing that happened, not to the end of the recovery
  // phase: a saga that never ended runs off to that edge.
  const lastMs = Math.max(
    0,
    ...timeline.events.map((e) => e.t),
    ...timeline.nodeEvents.map((e) => e.t),
  );
  const shownMs = Math.min(featured.horizonMs, Math.ceil(lastMs / 100) * 100 + 100);
  return {
    summary: {
      committed: sum("committed"),
      compensated: sum("compensated"),
      stuck: sum("stuck"),
      halfDone: sum("halfDone"),
      points,
    },
    data: {
      points,
      timeline: {
        failureRate: featured.failureRate,
        crashRate: featured.crashRate,
        horizonMs: shownMs,
        ...timeline,
        verdicts: featured.verdicts,
      },
    },
    charts: [
      {
        title: "Saga outcomes against step failure rate, per orchestrator crash rate",
        spec: sagaOutcomeChart(points),
      },
      {
        title: `Each saga at failure rate ${featured.failureRate}, ${featured.crashRate} crashes/s`,
        spec: sagaTimelineChart({ ...timeline, horizonMs: shownMs }),
      },
    ],
    traceHash: combineHashes(runs.map((r) => r.traceHash)),
  };
}

/** Saga outcomes against step failures and orchestrator crashes. */
export const sagaOutcomesExperiment: Experiment = defineExperiment({
  name: "saga-outcomes",
  title: "Saga outcomes: committed, compensated or stuck under failures and crashes",
  description:
    "Sweeps the chance a saga step is refused and the orchestrator's crash rate; every saga " +
    "should end committed or fully compensated once faults stop. The forgetful variant keeps " +
    "its saga log in memory and leaves sagas stuck after a crash.",
  params: SAGA_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});
