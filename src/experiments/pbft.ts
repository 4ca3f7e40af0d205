/**
 * The `pbft` experiment (Castro and Liskov, OSDI 1999). Two questions:
 *
 * 1. What Byzantine tolerance costs in messages: every request in PBFT goes through two
 *    all-to-all phases (Prepare, Commit), so messages per request grow as n², while a Raft
 *    leader talks to each follower once per entry, which grows as n. Both clusters run the
 *    same closed-loop clients at each size n = 3f + 1.
 * 2. What Byzantine replicas cost in throughput and latency: at one size, 0 to f replicas are
 *    taken over with one behaviour (`silent` forces view changes, `equivocate` splits the
 *    backups, `lie`, `forge`), and PBFT's agreement monitor must stay clean throughout.
 *
 * @module
 */

import {
  type ByzantineBehaviour,
  combineHashes,
  type OpEvent,
  Simulation,
  type TraceEvent,
} from "../sim/mod.ts";
import {
  faultTolerance,
  pbftClient,
  type PbftMessage,
  pbftReplica,
  type PbftVariant,
} from "../consensus/pbft/mod.ts";
import { createRaftCluster } from "../consensus/raft/mod.ts";
import { pbftAgreement, pbftExecutions } from "../check/invariants/pbft.ts";
import type { InvariantViolation } from "../check/search/violation.ts";
import {
  type PbftFaultPoint,
  pbftFaultsChart,
  pbftMessagesChart,
  type PbftMessagesPoint,
} from "../viz/pbft_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import { quantile, roundTo } from "./stats.ts";
import type { Experiment, ParamsOf } from "./types.ts";

const PBFT_PARAMS = {
  maxReplicas: integerParam({
    default: 13,
    min: 4,
    max: 13,
    description: "Largest cluster for the message count (sizes 4, 7, 10, 13 up to this)",
  }),
  replicas: integerParam({
    default: 7,
    min: 4,
    max: 13,
    description: "Cluster size for the fault sweep (tolerates f = (n - 1) / 3 rounded down)",
  }),
  behaviour: enumParam({
    values: ["silent", "equivocate", "lie", "forge"],
    default: "silent",
    description: "What the Byzantine replicas do in the fault sweep",
  }),
  clients: integerParam({ default: 2, min: 1, max: 8, description: "Closed-loop clients" }),
  requests: integerParam({ default: 20, min: 1, max: 200, description: "Requests per client" }),
  latencyMaxMs: numberParam({
    default: 5,
    min: 1,
    max: 100,
    description: "One-way latency is uniform in [1, latencyMaxMs] ms",
  }),
};

type PbftParams = ParamsOf<typeof PBFT_PARAMS>;

/** What one run of a cluster measured. */
export interface PbftRunMeasure {
  completed: number;
  /** Messages sent from the first invocation to the last completion. */
  messages: number;
  latenciesMs: number[];
  durationMs: number;
  traceHash: string;
  violations: number;
}

// Stamps each history event with the time the kernel recorded it, by watching the history
// grow between events (the kernel's `until` hook runs before each event).
function watch(sim: { history: OpEvent[]; now: number; stats: { sent: number } }) {
  const invokedAt = new Map<number, number>();
  const latencies: number[] = [];
  let seen = 0;
  let firstSent: number | null = null;
  let lastSent = 0;
  let firstMs = 0;
  let lastMs = 0;
  let completed = 0;
  const step = () => {
    for (; seen < sim.history.length; seen++) {
      const e = sim.history[seen];
      if (e.type === "invoke") {
        invokedAt.set(e.process, sim.now);
        if (firstSent === null) {
          firstSent = sim.stats.sent - 1;
          firstMs = sim.now;
        }
      } else {
        completed++;
        latencies.push(sim.now - (invokedAt.get(e.process) ?? sim.now));
        lastSent = sim.stats.sent;
        lastMs = sim.now;
      }
    }
  };
  return {
    step,
    result: () => ({
      completed,
      messages: lastSent - (firstSent ?? 0),
      latenciesMs: latencies,
      durationMs: lastMs - firstMs,
    }),
  };
}

/**
 * Runs a PBFT cluster of `replicas` with closed-loop clients, the first `byzantine` replicas
 * run by an adversary with `behaviour`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPbftCluster } from "./pbft.ts";
 * const run = runPbftCluster(4, 1, { clients: 1, requests: 5, latencyMaxMs: 5 });
 * assert.equal(run.completed, 5);
 * assert.equal(run.violations, 0);
 * ```
 */
export function runPbftCluster(
  replicas: number,
  seed: number,
  options: {
    clients: number;
    requests: number;
    latencyMaxMs: number;
    byzantine?: number;
    behaviour?: ByzantineBehaviour;
    horizonMs?: number;
  },
): PbftRunMeasure {
  const nodes = Array.from({ length: replicas }, (_, i) => `r${i + 1}`);
  const byzantine = options.byzantine ?? 0;
  const sim = new Simulation<PbftMessage>({
    seed,
    network: {
      latency: { kind: "uniform", minMs: 1, maxMs: options.latencyMaxMs },
      authenticate: true,
    },
    // The agreement monitor needs the executions; with no adversary the hash is enough.
    trace: byzantine > 0 ? "full" : "hash",
  });
  for (const id of nodes) sim.addNode(id, pbftReplica({ nodes }));
  for (let c = 1; c <= options.clients; c++) {
    const ops = Array.from({ length: options.requests }, (_, i) => ({
      atMs: 0,
      op: i % 4 === 3 ? { f: "read" as const } : { f: "write" as const, value: c * 1000 + i },
    }));
    sim.addNode(`c${c}`, pbftClient({ replicas: nodes, process: c, ops }));
  }
  sim.schedule(
    nodes.slice(0, byzantine).map((node) => ({
      atMs: 0,
      kind: "byzantine" as const,
      node,
      behaviour: options.behaviour ?? "silent",
    })),
  );
  const watcher = watch(sim);
  const total = options.clients * options.requests;
  sim.run({
    untilMs: options.horizonMs ?? 60_000,
    until: () => {
      watcher.step();
      return watcher.result().completed >= total;
    },
  });
  watcher.step();
  return {
    ...watcher.result(),
    traceHash: sim.trace.hash(),
    violations: byzantine > 0 ? pbftAgreement(sim.trace.events).length : 0,
  };
}

/**
 * Runs a Raft KV cluster of `servers` with the same closed-loop clients (after its first
 * election), for the message-count comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runRaftForComparison } from "./pbft.ts";
 * assert.equal(runRaftForComparison(3, 1, { clients: 1, requests: 5, latencyMaxMs: 5 }).completed, 5);
 * ```
 */
export function runRaftForComparison(
  servers: number,
  seed: number,
  options: { clients: number; requests: number; latencyMaxMs: number },
): PbftRunMeasure {
  const { sim } = createRaftCluster({
    seed,
    servers,
    clients: options.clients,
    operations: options.requests,
    clientThinkMs: 0,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: options.latencyMaxMs } },
    trace: "hash",
  });
  const watcher = watch(sim);
  const total = options.clients * options.requests;
  sim.run({
    untilMs: 60_000,
    until: () => {
      watcher.step();
      return watcher.result().completed >= total;
    },
  });
  watcher.step();
  return { ...watcher.result(), traceHash: sim.trace.hash(), violations: 0 };
}

const round1 = (x: number) => roundTo(x, 1);
const quantileOrNull = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? round1(quantile(sorted, q)) : null;
};

function run(params: PbftParams, seed: number, onProgress?: (done: number, total: number) => void) {
  const sizes = [4, 7, 10, 13].filter((n) => n <= params.maxReplicas);
  const f = faultTolerance(params.replicas);
  const total = sizes.length * 2 + f + 1;
  let done = 0;
  const tick = () => onProgress?.(++done, total);
  const load = {
    clients: params.clients,
    requests: params.requests,
    latencyMaxMs: params.latencyMaxMs,
  };
  const hashes: string[] = [];
  const messages: PbftMessagesPoint[] = [];
  for (const n of sizes) {
    const pbft = runPbftCluster(n, seed, load);
    tick();
    const raft = runRaftForComparison(n, seed, load);
    tick();
    hashes.push(pbft.traceHash, raft.traceHash);
    for (const [protocol, m] of [["PBFT", pbft], ["Raft", raft]] as const) {
      messages.push({
        protocol,
        replicas: n,
        messagesPerRequest: m.completed ? round1(m.messages / m.completed) : 0,
      });
    }
  }
  const faults: (PbftFaultPoint & { completed: number; violations: number })[] = [];
  for (let byzantine = 0; byzantine <= f; byzantine++) {
    const m = runPbftCluster(params.replicas, seed, {
      ...load,
      byzantine,
      behaviour: params.behaviour,
    });
    tick();
    hashes.push(m.traceHash);
    faults.push({
      byzantine,
      completed: m.completed,
      violations: m.violations,
      throughputPerSecond: m.durationMs > 0 ? round1(m.completed / m.durationMs * 1000) : 0,
      medianLatencyMs: quantileOrNull(m.latenciesMs, 0.5),
      p90LatencyMs: quantileOrNull(m.latenciesMs, 0.9),
    });
  }
  const per = (protocol: string) =>
    Object.fromEntries(
      messages.filter((p) => p.protocol === protocol).map((
        p,
      ) => [p.replicas, p.messagesPerRequest]),
    );
  const largest = sizes[sizes.length - 1];
  const at = (protocol: string) =>
    messages.find((p) => p.protocol === protocol && p.replicas === largest)!.messagesPerRequest;
  return {
    summary: {
      messagesPerRequest: { pbft: per("PBFT"), raft: per("Raft") },
      pbftOverRaftAtLargest: at("Raft") > 0 ? round1(at("PBFT") / at("Raft")) : null,
      faultSweep: { replicas: params.replicas, f, behaviour: params.behaviour, runs: faults },
      agreementViolations: faults.reduce((s, p) => s + p.violations, 0),
    },
    data: { messages, faults },
    charts: [
      { title: "Messages per request against cluster size", spec: pbftMessagesChart(messages) },
      {
        title: `Throughput and latency with 0 to ${f} Byzantine replicas (${params.behaviour})`,
        spec: pbftFaultsChart(faults, { behaviour: params.behaviour }),
      },
    ],
    traceHash: combineHashes(hashes),
  };
}

/** PBFT's cost in messages against Raft's, and its throughput and latency under Byzantine faults. */
export const pbftExperiment: Experiment = defineExperiment({
  name: "pbft",
  title: "PBFT: messages per request against Raft, and throughput under Byzantine replicas",
  description:
    "Messages per client request at n = 4, 7, 10, 13 for PBFT (quadratic) and Raft (linear), " +
    "then throughput and latency as 0 to f replicas turn Byzantine with one behaviour.",
  params: PBFT_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});

/** Options of {@linkcode runPbftScenario}. */
export interface PbftScenarioOptions {
  /** @default 4 */
  replicas?: number;
  /** Byzantine replicas, the first ones in primary order (r1 leads view 0). @default 1 */
  byzantine?: number;
  /** @default "equivocate" */
  behaviour?: ByzantineBehaviour;
  /** @default "correct" */
  variant?: PbftVariant;
  /** Whether receivers authenticate messages (fallacy 4). @default true */
  authenticate?: boolean;
  /** Writes the one client issues, 10 ms apart. @default 2 */
  requests?: number;
  /** @default 1000 */
  horizonMs?: number;
}

/** One small PBFT run for pages and the player: its trace and what the monitors say. */
export interface PbftScenario {
  nodes: string[];
  events: TraceEvent[];
  byzantine: string[];
  completed: number;
  /** Per replica, the digests it executed in sequence order. */
  executed: Record<string, string[]>;
  violations: InvariantViolation[];
  traceHash: string;
}

/**
 * Runs one small PBFT cluster with a client and Byzantine replicas, keeping the whole trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPbftScenario } from "./pbft.ts";
 * assert.equal(runPbftScenario(1).violations.length, 0); // one equivocating primary is caught
 * assert.ok(runPbftScenario(1, { variant: "quorum-2f" }).violations.length > 0);
 * ```
 */
export function runPbftScenario(seed: number, options: PbftScenarioOptions = {}): PbftScenario {
  const size = options.replicas ?? 4;
  if (!(Number.isInteger(size) && size >= 4 && size <= 13)) {
    throw new RangeError(
      `runPbftScenario option replicas must be an integer in [4, 13], got ${size}`,
    );
  }
  const count = options.byzantine ?? 1;
  if (!(Number.isInteger(count) && count >= 0 && count < size)) {
    throw new RangeError(
      `runPbftScenario option byzantine must be an integer in [0, ${size - 1}], got ${count}`,
    );
  }
  const requests = options.requests ?? 2;
  if (!(Number.isInteger(requests) && requests >= 0 && requests <= 50)) {
    throw new RangeError(
      `runPbftScenario option requests must be an integer in [0, 50], got ${requests}`,
    );
  }
  const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const sim = new Simulation<PbftMessage>({
    seed,
    network: { authenticate: options.authenticate ?? true },
  });
  for (const id of nodes) sim.addNode(id, pbftReplica({ nodes, variant: options.variant }));
  const ops = Array.from({ length: requests }, (_, i) => ({
    atMs: i * 10,
    op: { f: "write" as const, value: i + 1 },
  }));
  sim.addNode("c1", pbftClient({ replicas: nodes, process: 1, ops }));
  const byzantine = nodes.slice(0, count);
  sim.schedule(byzantine.map((node) => ({
    atMs: 0,
    kind: "byzantine" as const,
    node,
    behaviour: options.behaviour ?? "equivocate",
  })));
  sim.run({ untilMs: options.horizonMs ?? 1000 });
  const executed: Record<string, string[]> = Object.fromEntries(nodes.map((n) => [n, []]));
  for (const x of pbftExecutions(sim.trace.events)) executed[x.node][x.seq - 1] = x.digest;
  return {
    nodes: [...nodes, "c1"],
    events: sim.trace.events,
    byzantine,
    completed: sim.history.filter((e) => e.type === "ok").length,
    executed,
    violations: pbftAgreement(sim.trace.events),
    traceHash: sim.trace.hash(),
  };
}
