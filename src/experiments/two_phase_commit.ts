/**
 * The `two-phase-commit` experiment: blocked time against the moment the coordinator crashes.
 * One transaction begins at time 0; the coordinator crashes at `crashAtMs` and stays down for
 * `downMs`. A participant that voted Yes is uncertain (Bernstein, Hadzilacos and Goodman §7.4)
 * and holds its locks until it learns the decision. Crashing before any vote costs little
 * (presumed abort); crashing after the votes and before the decision reaches the participants
 * blocks them for about `downMs`: the blocking window. The `unilateral-abort` participants
 * stop waiting after `patience` and abort, which shortens the block and breaks atomicity.
 *
 * Summary fields: `baselineBlockedMs` (no crash), `maxBlockedMs`, `blockingWindowMs`
 * (`[from, to]` crash times that block for more than half of `downMs`, or null),
 * `violations` (runs that committed somewhere and aborted elsewhere) and `points`.
 *
 * @module
 */

import { combineHashes, Random } from "../sim/mod.ts";
import { TWO_PHASE_VARIANTS, type TwoPhaseVariant } from "../transactions/mod.ts";
import { twoPhaseSimulation } from "../check/search/saga_target.ts";
import { twoPhaseAtomicity, twoPhaseBlocked } from "../check/invariants/transactions.ts";
import { twoPhaseBlockedChart, type TwoPhasePoint } from "../viz/transactions_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ParamsOf } from "./types.ts";
import { roundTo } from "./stats.ts";

const TWO_PHASE_PARAMS = {
  participants: integerParam({ default: 3, min: 1, max: 9, description: "Participants" }),
  latencyMs: integerParam({
    default: 10,
    min: 1,
    max: 200,
    description: "One-way latency is uniform in [latencyMs / 2, latencyMs]",
  }),
  crashToMs: integerParam({
    default: 60,
    min: 1,
    max: 2000,
    description: "Latest coordinator crash time swept (ms after the transaction begins)",
  }),
  crashStepMs: integerParam({
    default: 2,
    min: 1,
    max: 500,
    description: "Step between crash times",
  }),
  downMs: integerParam({
    default: 300,
    min: 1,
    max: 10_000,
    description: "How long the coordinator stays down",
  }),
  trials: integerParam({
    default: 10,
    min: 1,
    max: 200,
    description: "Runs (seeds) per crash time; blocked time is averaged",
  }),
  lossProbability: numberParam({
    default: 0.05,
    min: 0,
    max: 0.5,
    description:
      "Chance each message is lost (a lost decision is what the broken variant trips on)",
  }),
  compareUnilateral: booleanParam({
    default: true,
    description: "Also run participants that abort on their own after voting Yes (broken)",
  }),
};

/** One run: the longest uncertainty period and whether atomicity broke. */
function trial(
  seed: number,
  variant: TwoPhaseVariant,
  crashAtMs: number | null,
  params: ParamsOf<typeof TWO_PHASE_PARAMS>,
) {
  const sim = twoPhaseSimulation({
    seed,
    variant,
    participants: params.participants,
    latencyMs: params.latencyMs,
    lossProbability: params.lossProbability,
    transactions: [{ txId: "t1", atMs: 0 }],
  });
  if (crashAtMs !== null) {
    sim.schedule([
      { atMs: crashAtMs, kind: "crash", node: "coordinator" },
      { atMs: crashAtMs + params.downMs, kind: "restart", node: "coordinator" },
    ]);
  }
  const horizonMs = (crashAtMs ?? 0) + params.downMs + 1000;
  sim.run({ untilMs: horizonMs });
  const blocked = twoPhaseBlocked(sim.trace.events);
  const longest = Math.max(0, ...blocked.map((b) => (b.toMs ?? horizonMs) - b.fromMs));
  return {
    blockedMs: longest,
    violated: twoPhaseAtomicity(sim.trace.events).length > 0,
    hash: sim.trace.hash(),
  };
}

function run(
  params: ParamsOf<typeof TWO_PHASE_PARAMS>,
  seed: number,
  onProgress?: (done: number, total: number) => void,
) {
  const variants: TwoPhaseVariant[] = params.compareUnilateral
    ? [...TWO_PHASE_VARIANTS]
    : ["correct"];
  const crashTimes: number[] = [];
  for (let t = 0; t <= params.crashToMs; t += params.crashStepMs) crashTimes.push(t);
  const root = new Random(seed);
  const seeds = Array.from({ length: params.trials }, () => root.nextUint32());
  const hashes: string[] = [];
  const baseline = seeds.map((s) => trial(s, "correct", null, params));
  hashes.push(...baseline.map((b) => b.hash));
  const points: TwoPhasePoint[] = [];
  const total = variants.length * crashTimes.length;
  for (const variant of variants) {
    for (const crashAtMs of crashTimes) {
      const runs = seeds.map((s) => trial(s, variant, crashAtMs, params));
      hashes.push(...runs.map((r) => r.hash));
      points.push({
        crashAtMs,
        variant,
        blockedMs: roundTo(runs.reduce((s, r) => s + r.blockedMs, 0) / runs.length, 1),
        violations: runs.filter((r) => r.violated).length,
      });
      onProgress?.(points.length, total);
    }
  }
  const correct = points.filter((p) => p.variant === "correct");
  const blocking = correct.filter((p) => p.blockedMs > params.downMs / 2);
  return {
    summary: {
      baselineBlockedMs: roundTo(
        baseline.reduce((s, b) => s + b.blockedMs, 0) / baseline.length,
        1,
      ),
      maxBlockedMs: Math.max(...correct.map((p) => p.blockedMs)),
      blockingWindowMs: blocking.length
        ? [blocking[0].crashAtMs, blocking[blocking.length - 1].crashAtMs]
        : null,
      violations: points.reduce((s, p) => s + p.violations, 0),
      points,
    },
    data: { points },
    charts: [{
      title: "Blocked time against coordinator crash time",
      spec: twoPhaseBlockedChart(points),
    }],
    traceHash: combineHashes(hashes),
  };
}

/** 2PC's blocking window: blocked time against coordinator crash time. */
export const twoPhaseCommitExperiment: Experiment = defineExperiment({
  name: "two-phase-commit",
  title: "Two-phase commit: blocked time against coordinator crash time",
  description:
    "One transaction; the coordinator crashes at a swept moment. Participants that voted Yes " +
    "stay blocked until it returns when the crash falls between the votes and the decision. " +
    "Participants that abort on their own stop blocking and break atomicity.",
  params: TWO_PHASE_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});
