/**
 * Experiment `game-day`: chaos engineering on the simulated shop. First the steady state is
 * measured and the hypothesis stated as an SLO (p99 latency and error rate); then each run
 * draws one fault from the nemesis (a crash, a partition, a slow node, a lossy network, a clock
 * jump — kernel faults as data) at a random service and time, measures the blast radius (the
 * share of requests that failed or broke the latency SLO, and the services that logged
 * errors), and judges the hypothesis for that run.
 *
 * Source: Basiri et al., "Chaos Engineering" (IEEE Software 2016): define steady state as a
 * measurable output, hypothesise it continues, vary real-world events, try to disprove the
 * hypothesis, minimise the blast radius.
 *
 * @module
 */

import type { Fault } from "../sim/mod.ts";
import { Random } from "../sim/mod.ts";
import { combineHashes } from "../sim/trace.ts";
import { gameDayChart, type GameDayRunPoint } from "../viz/chaos_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { integerParam, numberParam } from "./param_specs.ts";
import { runShop, SHOP_SERVICES, type ShopResult } from "./trace_shop.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const GAME_DAY_PARAMS = {
  runs: integerParam({ default: 8, min: 1, max: 100, description: "Runs, one fault each" }),
  requests: integerParam({ default: 60, min: 10, max: 5000, description: "Requests per run" }),
  sloP99Ms: numberParam({
    default: 80,
    min: 1,
    max: 10_000,
    description: "SLO: p99 latency at most",
  }),
  sloErrorRate: numberParam({
    default: 0.02,
    min: 0,
    max: 1,
    description: "SLO: error rate at most",
  }),
  faultMs: integerParam({
    default: 300,
    min: 10,
    max: 10_000,
    description: "How long each fault lasts",
  }),
};

/** The nemesis's fault kinds for the shop. */
export const GAME_DAY_FAULTS = ["crash", "partition", "slow", "loss", "clock-jump"] as const;

/** Draws one fault (with its undoing) against `service`, starting at `atMs`. */
export function gameDayFault(
  kind: (typeof GAME_DAY_FAULTS)[number],
  service: string,
  atMs: number,
  durationMs: number,
): Fault[] {
  const endMs = atMs + durationMs;
  switch (kind) {
    case "crash":
      return [{ atMs, kind: "crash", node: service }, {
        atMs: endMs,
        kind: "restart",
        node: service,
      }];
    case "partition": {
      const others = ["client", ...SHOP_SERVICES].filter((s) => s !== service);
      return [{ atMs, kind: "partition", groups: [[service], others] }, {
        atMs: endMs,
        kind: "heal",
      }];
    }
    case "slow":
      return [
        { atMs, kind: "slow", node: service, processingMs: 15 },
        { atMs: endMs, kind: "slow", node: service, processingMs: 0 },
      ];
    case "loss":
      return [
        { atMs, kind: "network", set: { lossProbability: 0.05 } },
        { atMs: endMs, kind: "network", set: { lossProbability: 0 } },
      ];
    case "clock-jump":
      return [{ atMs, kind: "clock-jump", node: service, deltaMs: 5000 }];
    default: {
      const unknown: never = kind;
      throw new RangeError(`gameDayFault: unknown kind ${unknown}`);
    }
  }
}

interface Judged {
  p99Ms: number;
  errorRate: number;
  blastRadius: number;
  servicesWithErrors: string[];
  held: boolean;
}

function judge(shop: ShopResult, sloP99Ms: number, sloErrorRate: number): Judged {
  const n = Math.max(1, shop.requests.length);
  const p99Ms = Math.round(shop.latency.quantile(0.99) * 100) / 100;
  const errorRate = Math.round((shop.errors / n) * 1000) / 1000;
  const hurt = shop.requests.filter((r) => !r.ok || r.latencyMs > sloP99Ms).length;
  return {
    p99Ms,
    errorRate,
    blastRadius: Math.round((hurt / n) * 1000) / 1000,
    servicesWithErrors: [
      ...new Set(shop.logs.filter((l) => l.level === "error").map((l) => l.service)),
    ]
      .sort(),
    held: p99Ms <= sloP99Ms && errorRate <= sloErrorRate,
  };
}

/** Runs the experiment (the `run` of {@linkcode gameDayExperiment}). */
export function runGameDay(
  params: ParamsOf<typeof GAME_DAY_PARAMS>,
  seed: number,
): ExperimentResult {
  const { sloP99Ms, sloErrorRate } = params;
  const steady = runShop({ seed, requests: params.requests });
  const steadyJudged = judge(steady, sloP99Ms, sloErrorRate);
  const campaign = new Random(seed).split("campaign");
  const horizonMs = params.requests * 20;
  const runs: (GameDayRunPoint & { fault: string; servicesWithErrors: string[] })[] = [];
  const hashes = [steady.traceHash];
  for (let k = 1; k <= params.runs; k++) {
    const kind = campaign.pick(GAME_DAY_FAULTS);
    const service = campaign.pick(SHOP_SERVICES);
    const atMs = Math.round(campaign.uniform(0.2, 0.6) * horizonMs);
    const faults = gameDayFault(kind, service, atMs, params.faultMs);
    const shop = runShop({ seed: seed + k, requests: params.requests, faults });
    hashes.push(shop.traceHash);
    const j = judge(shop, sloP99Ms, sloErrorRate);
    const target = kind === "loss" ? "network" : service;
    runs.push({
      label: `${k} ${kind} ${target}`,
      fault: `${kind} ${target} at ${atMs} ms for ${
        kind === "clock-jump" ? "—" : `${params.faultMs} ms`
      }`,
      p99Ms: j.p99Ms,
      errorRate: j.errorRate,
      blastRadius: j.blastRadius,
      held: j.held,
      servicesWithErrors: j.servicesWithErrors,
    });
  }
  return {
    summary: {
      hypothesis: `p99 ≤ ${sloP99Ms} ms and error rate ≤ ${sloErrorRate}`,
      steadyState: `${
        steadyJudged.held ? "holds" : "does not hold"
      }: p99 ${steadyJudged.p99Ms} ms, error rate ${steadyJudged.errorRate}`,
      held: runs.filter((r) => r.held).length,
      broken: runs.filter((r) => !r.held).length,
      worstBlastRadius: Math.max(0, ...runs.map((r) => r.blastRadius)),
      perRun: Object.fromEntries(
        runs.map((r) => [
          r.label,
          `${r.held ? "held" : "BROKEN"}: p99 ${r.p99Ms} ms, errors ${r.errorRate}, blast ${
            Math.round(r.blastRadius * 100)
          }%`,
        ]),
      ),
    },
    data: { steadyState: steadyJudged, runs },
    charts: [{ title: "Hypothesis per run", spec: gameDayChart(runs, { sloP99Ms }) }],
    traceHash: combineHashes(hashes),
  };
}

/** The `game-day` experiment. */
export const gameDayExperiment: Experiment = defineExperiment({
  name: "game-day",
  title: "Game day: a chaos campaign against a steady-state hypothesis",
  description:
    "Faults drawn from the nemesis against a small shop; per run, the SLO hypothesis held or broken and the blast radius",
  params: GAME_DAY_PARAMS,
  run: (params, seed) => runGameDay(params, seed),
});
