/**
 * Experiment `replication-failover`: a three-replica leader-follower cluster loses its leader
 * (a crash or a partition that cuts it off with one client) and fails over, automatically or by
 * an operator. Measures, per replication mode, the acknowledged writes lost (DDIA ch. 5,
 * "Failover") and stale reads from followers (read-your-writes and monotonic-reads
 * violations), plus split brain when fencing is off.
 *
 * @module
 */

import { combineHashes, Simulation } from "../sim/mod.ts";
import {
  failoverManager,
  type FailoverManagerProcess,
  leaderFollowerClient,
  type LeaderFollowerClientProcess,
  type LeaderFollowerMessage,
  type LeaderFollowerOp,
  leaderFollowerReplica,
  type ReplicaProcess,
  REPLICATION_MODES,
  type ReplicationMode,
} from "../replication/mod.ts";
import { acknowledgedWritesLost, sessionAnomalies, splitBrain } from "../check/mod.ts";
import { replicationBarChart } from "../viz/replication_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import { quantile, roundTo } from "./stats.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const PARAMS = {
  mode: enumParam({
    values: REPLICATION_MODES,
    default: "async",
    description: "How many followers must hold a write before the leader acknowledges it",
  }),
  fault: enumParam({
    values: ["crash", "partition"] as const,
    default: "partition",
    description: "Crash the leader, or cut it off together with client c1",
  }),
  failover: enumParam({
    values: ["automatic", "manual"] as const,
    default: "automatic",
    description: "Manager fails over on missed pings, or an operator does 200 ms after the fault",
  }),
  variant: enumParam({
    values: ["correct", "no-fencing"] as const,
    default: "correct",
    description: "no-fencing: the new leader keeps the old epoch (split brain)",
  }),
  lagMs: numberParam({
    default: 10,
    min: 0,
    max: 500,
    description: "Extra one-way latency between replicas (replication lag)",
  }),
  writes: integerParam({ default: 60, min: 1, max: 1000, description: "Writes per client" }),
};

type LfProcess = ReplicaProcess | FailoverManagerProcess | LeaderFollowerClientProcess;

/** What one run measured. */
export interface FailoverRunResult {
  mode: ReplicationMode;
  acknowledgedWrites: number;
  acknowledgedLost: number;
  lostValues: number[];
  staleReads: number;
  readYourWritesViolations: number;
  monotonicReadViolations: number;
  reads: number;
  splitBrain: number;
  writeLatencyP50Ms: number;
  writeLatencyP99Ms: number;
  unacknowledgedWrites: number;
  traceHash: string;
}

/**
 * Runs one failover scenario in one mode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFailoverOnce } from "./replication_failover.ts";
 * const options = { fault: "partition", failover: "automatic", variant: "correct", lagMs: 10, writes: 40 } as const;
 * assert.equal(runFailoverOnce("sync", options, 1).acknowledgedLost, 0);
 * assert.ok(runFailoverOnce("async", options, 1).acknowledgedLost > 0);
 * ```
 */
export function runFailoverOnce(
  mode: ReplicationMode,
  options: Omit<ParamsOf<typeof PARAMS>, "mode">,
  seed: number,
): FailoverRunResult {
  const replicas = ["n1", "n2", "n3"];
  const clients = ["c1", "c2"];
  const links: Record<string, { latency: { kind: "uniform"; minMs: number; maxMs: number } }> = {};
  for (const a of replicas) {
    for (const b of replicas) {
      if (a !== b) {
        links[`${a}->${b}`] = {
          latency: { kind: "uniform", minMs: 1 + options.lagMs, maxMs: 5 + options.lagMs },
        };
      }
    }
  }
  const sim = new Simulation<LeaderFollowerMessage, LfProcess>({ seed, network: { links } });
  const { variant } = options;
  for (const id of replicas) sim.addNode(id, leaderFollowerReplica({ replicas, mode, variant }));
  sim.addNode(
    "manager",
    failoverManager({ replicas, clients, variant, automatic: options.failover === "automatic" }),
  );
  clients.forEach((id, c) => {
    // Each client writes its own key, then reads it back from a follower: the classic way to
    // meet replication lag (DDIA ch. 5, "Reading Your Own Writes").
    const ops: LeaderFollowerOp[] = [];
    for (let i = 0; i < options.writes; i++) {
      const atMs = 20 + i * 20 + c * 3;
      ops.push({ atMs, f: "write", key: `k${c + 1}`, value: (c + 1) * 10_000 + i });
      ops.push({ atMs: atMs + 1, f: "read", key: `k${c + 1}`, readFrom: "follower" });
    }
    sim.addNode(id, leaderFollowerClient({ process: c + 1, replicas, ops, timeoutMs: 80 }));
  });
  const faultAtMs = 20 + Math.floor(options.writes / 2) * 20;
  const healAtMs = faultAtMs + 400;
  sim.schedule(
    options.fault === "crash"
      ? [{ atMs: faultAtMs, kind: "crash", node: "n1" }, {
        atMs: healAtMs,
        kind: "restart",
        node: "n1",
      }]
      : [
        {
          atMs: faultAtMs,
          kind: "partition",
          groups: [["n1", "c1"], ["n2", "n3", "manager", "c2"]],
        },
        { atMs: healAtMs, kind: "heal" },
      ],
  );
  if (options.failover === "manual") {
    sim.at(faultAtMs + 200, () => (sim.processOf("manager") as FailoverManagerProcess).failover());
  }
  sim.run({ untilMs: 20 + options.writes * 20 + 600 });
  const manager = sim.processOf("manager") as FailoverManagerProcess;
  const leader = sim.processOf(manager.leader) as ReplicaProcess | null;
  const sessions = clients.flatMap((id) =>
    (sim.processOf(id) as LeaderFollowerClientProcess).sessions
  );
  const lost = acknowledgedWritesLost(sessions, leader?.node.entries().map((e) => e.value) ?? []);
  const anomalies = sessionAnomalies(sessions);
  const stale = new Set([...anomalies.readYourWrites, ...anomalies.monotonicReads]);
  const latencies = sessions.filter((s) => s.f === "write" && s.outcome === "ok")
    .map((s) => s.completeMs - s.invokeMs).sort((a, b) => a - b);
  return {
    mode,
    acknowledgedWrites: lost.acknowledged,
    acknowledgedLost: lost.lost.length,
    lostValues: lost.lost,
    staleReads: stale.size,
    readYourWritesViolations: anomalies.readYourWrites.length,
    monotonicReadViolations: anomalies.monotonicReads.length,
    reads: anomalies.reads,
    splitBrain: splitBrain(sim.trace.events).length,
    writeLatencyP50Ms: roundTo(quantile(latencies, 0.5), 2),
    writeLatencyP99Ms: roundTo(quantile(latencies, 0.99), 2),
    unacknowledgedWrites: sessions.filter((s) => s.f === "write" && s.outcome !== "ok").length,
    traceHash: sim.trace.hash(),
  };
}

/** Runs the experiment: the chosen mode in the summary, every mode in the chart. */
export function runReplicationFailover(
  params: ParamsOf<typeof PARAMS>,
  seed: number,
): ExperimentResult {
  const { mode, ...rest } = params;
  const runs = REPLICATION_MODES.map((m) => runFailoverOnce(m, rest, seed));
  const chosen = runs.find((r) => r.mode === mode)!;
  const { traceHash: _hash, lostValues: _lost, mode: _mode, ...summary } = chosen;
  const bars = runs.flatMap((r) => [
    { group: r.mode, series: "acknowledged writes lost", value: r.acknowledgedLost },
    { group: r.mode, series: "stale reads", value: r.staleReads },
    { group: r.mode, series: "writes not acknowledged", value: r.unacknowledgedWrites },
  ]);
  return {
    summary: { mode, ...summary },
    data: { runs },
    charts: [{
      title: `Failover after a leader ${params.fault}: what each replication mode costs`,
      spec: replicationBarChart(bars, { xTitle: "replication mode", yTitle: "operations" }),
    }],
    traceHash: combineHashes(runs.map((r) => r.traceHash)),
  };
}

/** The `replication-failover` experiment. */
export const replicationFailoverExperiment: Experiment = defineExperiment({
  name: "replication-failover",
  title: "Leader-follower failover: lost acknowledged writes and stale reads",
  description:
    "Leader crash or partition with sync, semi-sync or async replication; counts acknowledged writes lost, stale follower reads and split brain",
  params: PARAMS,
  run: (params, seed) => runReplicationFailover(params, seed),
});
