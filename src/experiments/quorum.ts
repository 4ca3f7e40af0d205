/**
 * Experiment `quorum`: a Dynamo-style store (`replicas` nodes, N per key) under concurrent
 * clients, swept over every R and W for the chosen N. For each setting: read and write latency
 * percentiles, stale reads (a read older than a write acknowledged before it began) and the
 * linearizability checker's verdict on the history. Shows that R + W > N alone is not
 * linearizable (clock versions, asynchronous read repair, sloppy quorums) and that ABD
 * (read-first writes, reads written back before returning) is.
 *
 * Also exports {@linkcode runQuorumOnce}, the runner the `cap` and `pacelc` experiments share.
 *
 * @module
 */

import { combineHashes, type Fault, Random, Simulation } from "../sim/mod.ts";
import {
  compareVersions,
  quorumClient,
  type QuorumClientProcess,
  type QuorumMessage,
  type QuorumOp,
  type QuorumOptions,
  quorumReplica,
  type QuorumReplicaProcess,
  type QuorumSessionOp,
} from "../replication/mod.ts";
import { checkHistory, type Verdict } from "../check/mod.ts";
import { replicationBarChart } from "../viz/replication_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam, numberParam } from "./param_specs.ts";
import { quantile, roundTo } from "./stats.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** Options of {@linkcode runQuorumOnce}. */
export interface QuorumRunOptions {
  quorum: QuorumOptions;
  /** Replicas on the ring. */
  replicas: number;
  /** Clients; client `i` sits with the replicas of partition side `i % sides`. */
  clients: number;
  opsPerClient: number;
  /** Mean one-way latency (exponential, at least 1 ms). */
  meanLatencyMs: number;
  /** Anti-entropy period of the replicas (0: off). */
  antiEntropyMs?: number;
  /** Partition the ring into a minority and a majority (clients split too) in this window. */
  partition?: { atMs: number; healMs: number };
  /** Client clock offsets spread over [0, skewMs] (matters for clock versions). @default 0 */
  clientSkewMs?: number;
  keys?: number;
}

/** What one quorum run measured. */
export interface QuorumRunResult {
  sessions: QuorumSessionOp[];
  readLatencyP50Ms: number;
  readLatencyP99Ms: number;
  writeLatencyP50Ms: number;
  writeLatencyP99Ms: number;
  staleReads: number;
  reads: number;
  verdict: Verdict;
  /** Whether every replica holds the same version of every key at the end. */
  converged: boolean;
  /** Which side of the partition each client was on (0: minority). */
  sideOf: number[];
  traceHash: string;
}

/**
 * Runs one quorum workload: clients alternate writes (unique values) and reads on a few keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runQuorumOnce } from "./quorum.ts";
 * const result = runQuorumOnce({ quorum: { n: 3, r: 2, w: 2 }, replicas: 3, clients: 2, opsPerClient: 10, meanLatencyMs: 3 }, 1);
 * assert.equal(result.verdict, "linearizable");
 * ```
 */
export function runQuorumOnce(options: QuorumRunOptions, seed: number): QuorumRunResult {
  const ring = Array.from({ length: options.replicas }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: options.clients }, (_, i) => `c${i + 1}`);
  const sim = new Simulation<QuorumMessage>({
    seed,
    network: { latency: { kind: "exponential", minMs: 1, meanMs: options.meanLatencyMs } },
  });
  for (const id of ring) {
    sim.addNode(id, quorumReplica({ antiEntropyMs: options.antiEntropyMs ?? 0, ring }));
  }
  const random = new Random(seed).split("workload");
  const keys = options.keys ?? 2;
  let value = 0;
  const sideOf = clients.map((_, i) => i % 2);
  clients.forEach((id, c) => {
    const ops: QuorumOp[] = [];
    let atMs = random.uniform(0, 10);
    for (let i = 0; i < options.opsPerClient; i++) {
      const key = `k${random.int(1, keys)}`;
      ops.push(i % 2 === 0 ? { atMs, f: "write", key, value: ++value } : { atMs, f: "read", key });
      atMs += random.uniform(2, 25);
    }
    const skew = (options.clientSkewMs ?? 0) *
      (clients.length === 1 ? 0 : c / (clients.length - 1));
    sim.addNode(
      id,
      quorumClient({ ...options.quorum, process: c + 1, ring, ops, timeoutMs: 60 }),
      { clock: { offsetMs: -skew } },
    );
  });
  if (options.partition) {
    const minority = ring.slice(0, Math.floor((ring.length - 1) / 2));
    const faults: Fault[] = [
      {
        atMs: options.partition.atMs,
        kind: "partition",
        groups: [
          [...minority, ...clients.filter((_, i) => sideOf[i] === 0)],
          [
            ...ring.filter((id) => !minority.includes(id)),
            ...clients.filter((_, i) => sideOf[i] === 1),
          ],
        ],
      },
      { atMs: options.partition.healMs, kind: "heal" },
    ];
    sim.schedule(faults);
  }
  sim.run({ untilMs: options.opsPerClient * 25 + 1500 });
  const sessions = clients.flatMap((
    id,
  ) => [...(sim.processOf(id) as QuorumClientProcess).sessions]);
  const latencies = (f: string) =>
    sessions.filter((s) => s.f === f && s.outcome === "ok").map((s) => s.completeMs - s.invokeMs)
      .sort((a, b) => a - b);
  const reads = latencies("read");
  const writes = latencies("write");
  // A read is stale when some write to its key was acknowledged before the read began and is
  // newer than what the read returned (Bailis et al., "Probabilistically Bounded Staleness").
  const acked = sessions.filter((s) => s.f === "write" && s.outcome === "ok");
  const staleReads = sessions.filter((s) =>
    s.f === "read" && s.outcome === "ok" &&
    acked.some((w) =>
      w.key === s.key && w.completeMs < s.invokeMs &&
      (s.version === null || compareVersions(w.version!, s.version) > 0)
    )
  ).length;
  const keysSeen = new Set(sessions.map((s) => s.key));
  const up = ring.map((id) => sim.processOf(id) as QuorumReplicaProcess | null).filter((p) =>
    p !== null
  );
  const converged = [...keysSeen].every((key) =>
    up.every((p) => compareVersions(p.get(key).version, up[0].get(key).version) === 0)
  );
  const verdict =
    checkHistory(sim.history, { model: "kv", explain: false, maxStates: 500_000 }).verdict;
  return {
    sessions,
    readLatencyP50Ms: roundTo(quantile(reads, 0.5), 2),
    readLatencyP99Ms: roundTo(quantile(reads, 0.99), 2),
    writeLatencyP50Ms: roundTo(quantile(writes, 0.5), 2),
    writeLatencyP99Ms: roundTo(quantile(writes, 0.99), 2),
    staleReads,
    reads: sessions.filter((s) => s.f === "read" && s.outcome === "ok").length,
    verdict,
    converged,
    sideOf,
    traceHash: sim.trace.hash(),
  };
}

const PARAMS = {
  n: integerParam({ default: 3, min: 1, max: 5, description: "Replicas per key (N)" }),
  r: integerParam({ default: 2, min: 1, max: 5, description: "Replies a read waits for (R)" }),
  w: integerParam({ default: 2, min: 1, max: 5, description: "Acks a write waits for (W)" }),
  consistency: enumParam({
    values: ["dynamo", "abd"] as const,
    default: "dynamo",
    description:
      "dynamo: clock versions, async read repair; abd: read-first writes, reads write back",
  }),
  sloppy: booleanParam({ default: false, description: "Sloppy quorum with hinted handoff" }),
  clients: integerParam({ default: 3, min: 1, max: 8, description: "Concurrent clients" }),
  ops: integerParam({ default: 40, min: 2, max: 400, description: "Operations per client" }),
  meanLatencyMs: numberParam({ default: 5, min: 1, max: 200, description: "Mean one-way latency" }),
  clientSkewMs: numberParam({
    default: 20,
    min: 0,
    max: 1000,
    description: "Client clocks spread over [0, skew] (dynamo versions come from them)",
  }),
};

/** Quorum options of a consistency preset. */
export function quorumPreset(
  consistency: "dynamo" | "abd",
  n: number,
  r: number,
  w: number,
  sloppy = false,
): QuorumOptions {
  return consistency === "abd"
    ? { n, r, w, sloppy, readRepair: "sync", writeVersions: "read-first" }
    : { n, r, w, sloppy, readRepair: "async", writeVersions: "clock" };
}

function checkQuorumParams(name: string, n: number, r: number, w: number) {
  for (const [key, value] of [["r", r], ["w", w]] as const) {
    if (value > n) {
      throw new RangeError(`${name}: parameter ${key} must be <= n (${n}), got ${value}`);
    }
  }
}

/** Runs the `quorum` experiment. */
export function runQuorumExperiment(
  params: ParamsOf<typeof PARAMS>,
  seed: number,
): ExperimentResult {
  const { n, r, w } = params;
  checkQuorumParams("quorum", n, r, w);
  const sweep = [];
  const hashes: string[] = [];
  for (let rr = 1; rr <= n; rr++) {
    for (let ww = 1; ww <= n; ww++) {
      const run = runQuorumOnce({
        quorum: quorumPreset(params.consistency, n, rr, ww, params.sloppy),
        replicas: Math.max(5, n),
        clients: params.clients,
        opsPerClient: params.ops,
        meanLatencyMs: params.meanLatencyMs,
        clientSkewMs: params.clientSkewMs,
      }, seed);
      hashes.push(run.traceHash);
      const { sessions: _s, sideOf: _side, traceHash: _h, ...rest } = run;
      sweep.push({ r: rr, w: ww, overlap: rr + ww > n, ...rest });
    }
  }
  const chosen = sweep.find((p) => p.r === r && p.w === w)!;
  const bars = sweep.flatMap((p) => [
    { group: `R${p.r} W${p.w}`, series: "read p99 ms", value: p.readLatencyP99Ms },
    { group: `R${p.r} W${p.w}`, series: "write p99 ms", value: p.writeLatencyP99Ms },
    { group: `R${p.r} W${p.w}`, series: "stale reads", value: p.staleReads },
  ]);
  return {
    summary: {
      n,
      consistency: params.consistency,
      ...chosen,
      linearizableSettings: sweep.filter((p) => p.verdict === "linearizable").map((p) =>
        `R${p.r}W${p.w}`
      ),
    },
    data: { sweep },
    charts: [{
      title: `Latency and staleness for every R, W with N = ${n} (${params.consistency})`,
      spec: replicationBarChart(bars, { xTitle: "setting", yTitle: "ms / reads" }),
    }],
    traceHash: combineHashes(hashes),
  };
}

/** The `quorum` experiment. */
export const quorumExperiment: Experiment = defineExperiment({
  name: "quorum",
  title: "Quorums: N, R, W against latency, staleness and linearizability",
  description:
    "Sweeps every R and W for one N; latency percentiles, stale reads and the linearizability checker's verdict",
  params: PARAMS,
  run: (params, seed) => runQuorumExperiment(params, seed),
});
