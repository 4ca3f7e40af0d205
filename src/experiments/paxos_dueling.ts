/**
 * The `paxos-dueling` experiment: dueling proposers ("Paxos Made Simple" §2.4). Several
 * proposers start at almost the same moment; each preempted proposer retries with a higher
 * ballot at once, preempting the others in turn, so ballots climb and nothing is chosen for a
 * long time. The same trials (same seeds) are rerun with randomised exponential backoff and
 * with a distinguished proposer (a leader), which is how Multi-Paxos avoids the duel.
 *
 * @module
 */

import { quantile, roundTo } from "./stats.ts";
import { Random, Simulation, type TraceEvent } from "../sim/mod.ts";
import { combineHashes } from "../sim/mod.ts";
import { paxosClient, type PaxosMessage, paxosNode } from "../consensus/paxos/mod.ts";
import { type BallotPoint, paxosBallotChart, paxosDecisionCdf } from "../viz/paxos_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ParamsOf } from "./types.ts";

/** How proposers behave in a trial. */
export type DuelMode = "immediate" | "backoff" | "leader";

/** The modes compared, in chart order. */
export const DUEL_MODES: readonly DuelMode[] = ["immediate", "backoff", "leader"];

/** One trial's outcome. */
export interface DuelTrial {
  mode: DuelMode;
  trial: number;
  /** Time of the first decision, or null if nothing was chosen within the horizon. */
  decidedAtMs: number | null;
  /** Highest ballot round any proposer reached. */
  maxRound: number;
  ballots: BallotPoint[];
  traceHash: string;
  events: TraceEvent[];
}

/**
 * Runs one dueling trial.
 *
 * @example
 * ```ts
 * import { runDuel } from "./paxos_dueling.ts";
 * const trial = runDuel("leader", 42, { proposers: 3, acceptors: 5, latencyMaxMs: 20, lossProbability: 0, horizonMs: 1000 });
 * trial.decidedAtMs !== null; // true: a single proposer decides in two round trips
 * ```
 */
export function runDuel(
  mode: DuelMode,
  seed: number,
  options: {
    proposers: number;
    acceptors: number;
    latencyMaxMs: number;
    lossProbability: number;
    horizonMs: number;
    keepEvents?: boolean;
  },
): Omit<DuelTrial, "trial"> {
  const acceptors = Array.from({ length: options.acceptors }, (_, i) => `a${i + 1}`);
  const proposers = Array.from({ length: options.proposers }, (_, i) => `p${i + 1}`);
  const sim = new Simulation<PaxosMessage>({
    seed,
    network: {
      latency: { kind: "uniform", minMs: 1, maxMs: options.latencyMaxMs },
      lossProbability: options.lossProbability,
    },
    trace: options.keepEvents === false ? "hash" : "full",
  });
  // A retry timeout longer than a round trip, so a proposer only gives up on real trouble.
  const node = paxosNode({
    acceptors,
    learners: acceptors,
    proposers: mode === "leader" ? ["p1"] : proposers,
    retry: mode === "backoff" ? "backoff" : "immediate",
    retryTimeoutMs: 2 * options.latencyMaxMs + 10,
    backoffMs: options.latencyMaxMs,
  });
  for (const id of [...acceptors, ...proposers]) sim.addNode(id, node);
  // Every proposer gets a value within a millisecond; with a leader, all go to p1.
  sim.addNode(
    "client",
    paxosClient(
      proposers.map((p, i) => ({
        atMs: i * 0.25,
        to: mode === "leader" ? "p1" : p,
        value: `v${i + 1}`,
      })),
      "Propose",
    ),
  );
  const ballots: BallotPoint[] = [];
  let decidedAtMs: number | null = null;
  let maxRound = 0;
  // Watch the trace as it grows (hash mode keeps no events, so count from the processes).
  let seen = 0;
  sim.run({
    untilMs: options.horizonMs,
    until: () => {
      const events = sim.trace.events;
      for (; seen < events.length; seen++) {
        const e = events[seen];
        if (e.kind !== "state") continue;
        if (e.key === "ballot") {
          ballots.push({ t: e.t, proposer: e.node, round: e.value as number });
          maxRound = Math.max(maxRound, e.value as number);
        } else if (e.key === "chosen" && decidedAtMs === null) {
          decidedAtMs = e.t;
        }
      }
      return decidedAtMs !== null;
    },
  });
  return {
    mode,
    decidedAtMs,
    maxRound,
    ballots,
    traceHash: sim.trace.hash(),
    events: sim.trace.events,
  };
}

const round1 = (ms: number) => roundTo(ms, 1);

// No decisions at all is "no value" (null) in the summary, not NaN.
const quantileOrNull = (sorted: number[], q: number) =>
  sorted.length ? round1(quantile(sorted, q)) : null;

const DUELING_PARAMS = {
  proposers: integerParam({ default: 3, min: 2, max: 7, description: "Proposers" }),
  acceptors: integerParam({ default: 5, min: 3, max: 9, description: "Acceptors" }),
  trials: integerParam({ default: 200, min: 1, max: 5000, description: "Trials per mode" }),
  latencyMaxMs: numberParam({
    default: 20,
    min: 2,
    max: 200,
    description: "One-way latency is uniform in [1, latencyMaxMs] ms",
  }),
  lossProbability: numberParam({
    default: 0,
    min: 0,
    max: 0.5,
    description: "Chance each message is lost",
  }),
  horizonMs: integerParam({
    default: 2000,
    min: 100,
    max: 60_000,
    description: "A trial that chooses nothing by then counts as livelocked",
  }),
};

function run(
  params: ParamsOf<typeof DUELING_PARAMS>,
  seed: number,
  onProgress?: (done: number, total: number) => void,
) {
  const trials = params.trials;
  const options = {
    proposers: params.proposers,
    acceptors: params.acceptors,
    latencyMaxMs: params.latencyMaxMs,
    lossProbability: params.lossProbability,
    horizonMs: params.horizonMs,
  };
  const root = new Random(seed);
  const seeds = Array.from({ length: trials }, () => root.nextUint32());
  const results: DuelTrial[] = [];
  let done = 0;
  for (const mode of DUEL_MODES) {
    seeds.forEach((trialSeed, trial) => {
      results.push({ ...runDuel(mode, trialSeed, options), trial });
      onProgress?.(++done, trials * DUEL_MODES.length);
    });
  }
  const summary: Record<string, unknown> = {};
  for (const mode of DUEL_MODES) {
    const mine = results.filter((r) => r.mode === mode);
    const times = mine.flatMap((r) => r.decidedAtMs === null ? [] : [r.decidedAtMs]).sort((a, b) =>
      a - b
    );
    summary[mode] = {
      medianMs: quantileOrNull(times, 0.5),
      p90Ms: quantileOrNull(times, 0.9),
      maxMs: times.length ? round1(times[times.length - 1]) : null,
      undecided: mine.length - times.length,
      meanMaxRound: round1(mine.reduce((s, r) => s + r.maxRound, 0) / mine.length),
    };
  }
  // The worst duel: the immediate-retry trial that took longest (undecided counts as longest).
  const duels = results.filter((r) => r.mode === "immediate");
  const worst = duels.reduce((a, b) =>
    (b.decidedAtMs ?? Infinity) > (a.decidedAtMs ?? Infinity) ? b : a
  );
  const sameWithLeader = results.find((r) => r.mode === "leader" && r.trial === worst.trial)!;
  summary.worstTrial = worst.trial;
  // Draw both runs on the duel's axes, so the leader's run shows as the short affair it is.
  const axes = {
    maxMs: Math.ceil(worst.decidedAtMs ?? options.horizonMs),
    maxRound: Math.max(2, worst.maxRound),
  };
  const samples = results.map((r) => ({ mode: r.mode, ms: r.decidedAtMs }));
  return {
    summary,
    data: {
      samples,
      worst: { trial: worst.trial, decidedAtMs: worst.decidedAtMs, ballots: worst.ballots },
    },
    charts: [
      {
        title: "Ballots over time in the worst duel (immediate retry)",
        spec: paxosBallotChart(worst.ballots, {
          ...axes,
          decidedAtMs: worst.decidedAtMs,
          title: worst.decidedAtMs === null
            ? `Trial ${worst.trial}: nothing chosen in ${options.horizonMs} ms`
            : `Trial ${worst.trial}: first value chosen at ${worst.decidedAtMs.toFixed(0)} ms`,
        }),
      },
      {
        title: "The same trial with a distinguished proposer",
        spec: paxosBallotChart(sameWithLeader.ballots, {
          ...axes,
          decidedAtMs: sameWithLeader.decidedAtMs,
          title: `Trial ${worst.trial} with a leader: chosen at ${
            sameWithLeader.decidedAtMs?.toFixed(0) ?? "never"
          } ms`,
        }),
      },
      {
        title: "Time to first decision per retry policy",
        spec: paxosDecisionCdf(samples),
      },
    ],
    traceHash: combineHashes(results.map((r) => r.traceHash)),
  };
}

/** Dueling proposers: livelock, and what breaks it. */
export const paxosDuelingExperiment: Experiment = defineExperiment({
  name: "paxos-dueling",
  title: "Dueling Paxos proposers: livelock, backoff and a distinguished leader",
  description:
    "Several proposers start at once; with immediate retry they preempt each other with ever " +
    "higher ballots. The same trials rerun with randomised backoff and with a single leader.",
  params: DUELING_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});
