/**
 * The `epaxos` experiment (Moraru, Andersen and Kaminsky, SOSP 2013, §6.2 and Figure 4): five
 * replicas at wide-area sites (Virginia, California, Oregon, Ireland, Japan), clients at every
 * site sending commands to their own site's replica, and the commit latency they see under
 * EPaxos and under Multi-Paxos with a fixed leader, as the share of commands that conflict
 * (write one hot key) goes 0, 2, 10, 25, 50, 100 %.
 *
 * Commit latency runs from the client's request to the moment its site's replica knows the
 * command is committed: for EPaxos the local command leader's commit (one round trip to its
 * nearest fast quorum on the fast path, two round trips to a majority on the slow path); for
 * Multi-Paxos the local replica learning the decision (to the leader, a round trip to a
 * majority, and back). No replica fails here; the fast quorum's size is a parameter.
 *
 * The latencies are rounded one-way delays of the order measured between these cloud regions,
 * with a small normal jitter; they are not the paper's exact figures.
 *
 * @module
 */

import {
  combineHashes,
  type NodeId,
  type Process,
  type ProcessFactory,
  type Runtime,
  Simulation,
  type TraceEvent,
} from "../sim/mod.ts";
import {
  epaxosClient,
  type EpaxosMessage,
  epaxosReplica,
  type EpaxosVariant,
} from "../consensus/epaxos/mod.ts";
import { EpaxosExecutor } from "../consensus/epaxos/execution.ts";
import {
  type MultiPaxosMessage,
  MultiPaxosNode,
  type MultiPaxosOptions,
} from "../consensus/paxos/mod.ts";
import { epaxosCommits, epaxosSafety } from "../check/invariants/epaxos.ts";
import type { InvariantViolation } from "../check/search/violation.ts";
import { checkHistory } from "../check/linearizability/checker.ts";
import {
  type EpaxosGraphNode,
  epaxosLatencyChart,
  type EpaxosLatencyPoint,
  epaxosSiteChart,
  type EpaxosSitePoint,
} from "../viz/epaxos_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import { quantile, roundTo } from "./stats.ts";
import type { Experiment, ParamsOf } from "./types.ts";

/** The five sites of the paper's wide-area experiment. */
export const EPAXOS_SITES = ["VA", "CA", "OR", "IE", "JP"] as const;

/** Rounded one-way latencies between the sites, in ms (symmetric). */
export const EPAXOS_WAN_MS: Readonly<Record<string, number>> = {
  "VA-CA": 36,
  "VA-OR": 40,
  "VA-IE": 38,
  "VA-JP": 80,
  "CA-OR": 11,
  "CA-IE": 70,
  "CA-JP": 55,
  "OR-IE": 68,
  "OR-JP": 50,
  "IE-JP": 110,
};

/**
 * The one-way latency between two sites (0 within a site).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosWanMs } from "./epaxos.ts";
 * assert.equal(epaxosWanMs("JP", "VA"), 80);
 * ```
 */
export function epaxosWanMs(a: string, b: string): number {
  if (a === b) return 0;
  const ms = EPAXOS_WAN_MS[`${a}-${b}`] ?? EPAXOS_WAN_MS[`${b}-${a}`];
  if (ms === undefined) throw new RangeError(`No latency between sites ${a} and ${b}`);
  return ms;
}

/** The shares of conflicting commands the experiment sweeps, in %. */
export const EPAXOS_CONFLICT_PERCENTS = [0, 2, 10, 25, 50, 100] as const;

const EPAXOS_PARAMS = {
  requests: integerParam({
    default: 20,
    min: 1,
    max: 200,
    description: "Commands each site's client sends",
  }),
  intervalMs: numberParam({
    default: 40,
    min: 5,
    max: 1000,
    description: "Mean gap between a site's commands (open loop, jittered)",
  }),
  leader: enumParam({
    values: [...EPAXOS_SITES],
    default: "VA",
    description: "The Multi-Paxos leader's site",
  }),
  fastQuorum: enumParam({
    values: ["optimized", "simple"],
    default: "optimized",
    description: "EPaxos fast quorum: F + floor((F+1)/2) = 3 of 5 (paper §4.4), or 2F = 4 of 5",
  }),
};

type EpaxosParams = ParamsOf<typeof EPAXOS_PARAMS>;

// Multi-Paxos must be elected before the load starts; both protocols get the same start.
const LOAD_START_MS = 2500;

function wanNetwork(clients: readonly [client: NodeId, site: string][]) {
  type Latency =
    | { kind: "normal"; meanMs: number; standardDeviationMs: number; minMs: number }
    | { kind: "constant"; ms: number };
  const links: Record<string, { latency: Latency }> = {};
  for (const a of EPAXOS_SITES) {
    for (const b of EPAXOS_SITES) {
      if (a === b) continue;
      const ms = epaxosWanMs(a, b);
      links[`${a}->${b}`] = {
        latency: { kind: "normal", meanMs: ms, standardDeviationMs: ms * 0.03, minMs: ms * 0.95 },
      };
    }
  }
  // Clients sit next to their site's replica.
  for (const [client, site] of clients) {
    links[`${client}->${site}`] = { latency: { kind: "constant", ms: 0.5 } };
    links[`${site}->${client}`] = { latency: { kind: "constant", ms: 0.5 } };
  }
  return { links, fifo: true };
}

/** When each site's client sends, and which commands hit the hot key. */
function schedule(
  seed: number,
  params: { requests: number; intervalMs: number },
  conflictPercent: number,
) {
  // A plain LCG keyed by the seed: the same schedule for both protocols.
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return EPAXOS_SITES.map((site) => {
    let t = LOAD_START_MS + next() * params.intervalMs;
    return Array.from({ length: params.requests }, (_, i) => {
      const atMs = roundTo(t, 3);
      t += params.intervalMs * (0.5 + next());
      const hot = next() * 100 < conflictPercent;
      return { site, i, atMs, key: hot ? "hot" : `${site}-${i}` };
    });
  });
}

/** What one run measured, per command. */
export interface EpaxosLatencySample {
  site: string;
  latencyMs: number;
  path?: "fast" | "slow" | "recovery";
}

/** One run of EPaxos across the five sites. */
export interface EpaxosWanRun {
  samples: EpaxosLatencySample[];
  violations: InvariantViolation[];
  traceHash: string;
}

/**
 * Runs EPaxos on the five wide-area sites with `conflictPercent` % of commands on one hot key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEpaxosWan } from "./epaxos.ts";
 * const run = runEpaxosWan(1, 0, { requests: 3 });
 * assert.equal(run.samples.length, 15);
 * assert.ok(run.samples.every((s) => s.path === "fast"));
 * assert.equal(run.violations.length, 0);
 * ```
 */
export function runEpaxosWan(
  seed: number,
  conflictPercent: number,
  options: {
    requests?: number;
    intervalMs?: number;
    fastQuorum?: "optimized" | "simple";
    variant?: EpaxosVariant;
  } = {},
): EpaxosWanRun {
  const params = { requests: options.requests ?? 20, intervalMs: options.intervalMs ?? 40 };
  const plan = schedule(seed, params, conflictPercent);
  // One client process per command, so commands overlap as an open-loop load does.
  const clients = plan.flat().map((c) => [`c-${c.site}.${c.i}`, c.site] as [NodeId, string]);
  const sim = new Simulation<EpaxosMessage>({ seed, network: wanNetwork(clients) });
  const nodes = [...EPAXOS_SITES];
  for (const site of nodes) {
    sim.addNode(
      site,
      epaxosReplica({
        nodes,
        fastQuorum: options.fastQuorum ?? "optimized",
        variant: options.variant,
        // Wide-area round trips reach 220 ms: wait well beyond them before recovering.
        fastPathTimeoutMs: 400,
        recoveryTimeoutMs: 3000,
        tickMs: 50,
      }),
    );
  }
  plan.flat().forEach((c, k) => {
    sim.addNode(
      clients[k][0],
      epaxosClient({
        replica: c.site,
        process: k + 1,
        ops: [{ atMs: c.atMs, op: { f: "write", key: c.key, value: c.i } }],
        timeoutMs: 60_000,
      }),
    );
  });
  const last = Math.max(...plan.flat().map((c) => c.atMs));
  sim.run({ untilMs: last + 5000 });
  return {
    samples: epaxosSamples(sim.trace.events),
    // The load is writes only, so the trace monitors say all there is to say about safety.
    violations: epaxosSafety(sim.trace.events),
    traceHash: sim.trace.hash(),
  };
}

/** Commit latencies from a trace: each leader's `proposed` to its own `committed`. */
function epaxosSamples(events: readonly TraceEvent[]): EpaxosLatencySample[] {
  const proposed = new Map<string, number>();
  for (const e of events) {
    if (e.kind === "state" && e.key === "proposed") {
      proposed.set((e.value as { id: string }).id, e.t);
    }
  }
  const out: EpaxosLatencySample[] = [];
  for (const c of epaxosCommits(events)) {
    const start = proposed.get(c.id);
    if (
      start === undefined || c.path === undefined || c.node !== c.id.slice(0, c.id.lastIndexOf("."))
    ) continue;
    out.push({ site: c.node, latencyMs: roundTo(c.atMs - start + 0.5, 3), path: c.path });
  }
  return out;
}

/** Runs a Multi-Paxos replica whose election timeouts make `leader` win the first election. */
function fixedLeaderMultiPaxos(
  options: MultiPaxosOptions,
  leader: NodeId,
): ProcessFactory<MultiPaxosMessage> {
  return (rt: Runtime<MultiPaxosMessage>): Process<MultiPaxosMessage> => {
    let node: MultiPaxosNode;
    const timers: Record<string, number> = { election: -1, heartbeat: -1 };
    const flush = () => {
      const ready = node.ready();
      if (ready.persist !== null) rt.storage.set("mp.accepted", ready.persist.accepted.length);
      let sent = 0;
      for (const [key, value, before] of ready.changes) {
        for (; sent < before; sent++) rt.send(ready.messages[sent].to, ready.messages[sent].msg);
        rt.state(key, value);
      }
      for (; sent < ready.messages.length; sent++) {
        rt.send(ready.messages[sent].to, ready.messages[sent].msg);
      }
      for (const name of ["election", "heartbeat"] as const) {
        const delay = ready.timers[name];
        if (delay === undefined) continue;
        rt.cancelTimer(timers[name]);
        timers[name] = delay === null ? -1 : rt.setTimer(delay, `mp.${name}`);
      }
    };
    return {
      onStart() {
        node = new MultiPaxosNode({
          ...options,
          id: rt.id,
          // The leader's election timer is always the shortest: a fixed leader, as in §6.2.
          random: () => (rt.id === leader ? 0 : 0.999),
          now: () => rt.monotonic(),
        });
        node.start();
        flush();
      },
      onMessage(from, msg) {
        node.step(from, msg);
        flush();
      },
      onTimer(tag) {
        if (tag === "mp.election") node.electionTimeout();
        else if (tag === "mp.heartbeat") node.heartbeatTimeout();
        flush();
      },
    };
  };
}

/**
 * Runs Multi-Paxos with a fixed leader on the five sites, with the same command schedule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runMultiPaxosWan } from "./epaxos.ts";
 * const run = runMultiPaxosWan(1, "VA", { requests: 2 });
 * assert.equal(run.samples.length, 10);
 * const va = run.samples.find((s) => s.site === "VA")!.latencyMs;
 * const jp = run.samples.find((s) => s.site === "JP")!.latencyMs;
 * assert.ok(jp > va + 100, "Japan pays the round trip to Virginia");
 * ```
 */
export function runMultiPaxosWan(
  seed: number,
  leader: string,
  options: { requests?: number; intervalMs?: number } = {},
): EpaxosWanRun {
  const params = { requests: options.requests ?? 20, intervalMs: options.intervalMs ?? 40 };
  const client = (site: string) => `c-${site}`;
  const sim = new Simulation<MultiPaxosMessage>({
    seed,
    network: wanNetwork(EPAXOS_SITES.map((site) => [client(site), site])),
  });
  const nodes = [...EPAXOS_SITES];
  for (const site of nodes) {
    sim.addNode(
      site,
      fixedLeaderMultiPaxos({
        nodes,
        heartbeatMs: 100,
        electionTimeoutMinMs: 1000,
        electionTimeoutMaxMs: 2000,
      }, leader),
    );
  }
  const plan = schedule(seed, params, 0);
  plan.forEach((commands, k) => {
    const site = nodes[k];
    sim.addNode(client(site), (rt) => ({
      onStart() {
        commands.forEach((c) => rt.setTimer(c.atMs, "send", c));
      },
      onMessage() {},
      onTimer(_tag, data) {
        const c = data as { i: number };
        rt.state("request", { command: `${site}#${c.i}` });
        rt.send(site, { type: "Request", command: `${site}#${c.i}` });
      },
    }));
  });
  const last = Math.max(...plan.flat().map((c) => c.atMs));
  sim.run({ untilMs: last + 5000 });
  const sentAt = new Map<string, number>();
  const samples: EpaxosLatencySample[] = [];
  for (const e of sim.trace.events) {
    if (e.kind !== "state") continue;
    if (e.key === "request") sentAt.set((e.value as { command: string }).command, e.t);
    if (e.key !== "chosen") continue;
    const command = (e.value as { value: string }).value;
    const site = command.slice(0, command.indexOf("#"));
    if (site !== e.node || !sentAt.has(command)) continue;
    samples.push({ site, latencyMs: roundTo(e.t - sentAt.get(command)!, 3) });
  }
  return { samples, violations: [], traceHash: sim.trace.hash() };
}

const round1 = (x: number) => roundTo(x, 1);
const stat = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? round1(quantile(sorted, q)) : null;
};

function run(
  params: EpaxosParams,
  seed: number,
  onProgress?: (done: number, total: number) => void,
) {
  const total = EPAXOS_CONFLICT_PERCENTS.length + 1;
  let done = 0;
  const load = { requests: params.requests, intervalMs: params.intervalMs };
  const paxos = runMultiPaxosWan(seed, params.leader, load);
  onProgress?.(++done, total);
  const hashes = [paxos.traceHash];
  const points: EpaxosLatencyPoint[] = [];
  const sites: EpaxosSitePoint[] = [];
  const paxosLatencies = paxos.samples.map((s) => s.latencyMs);
  let violations = 0;
  const runs = [];
  for (const conflictPercent of EPAXOS_CONFLICT_PERCENTS) {
    const r = runEpaxosWan(seed, conflictPercent, { ...load, fastQuorum: params.fastQuorum });
    onProgress?.(++done, total);
    hashes.push(r.traceHash);
    violations += r.violations.length;
    const latencies = r.samples.map((s) => s.latencyMs);
    const fast = r.samples.filter((s) => s.path === "fast").length;
    const fastPathRatio = r.samples.length ? roundTo(fast / r.samples.length, 3) : 0;
    points.push({
      protocol: "EPaxos",
      conflictPercent,
      medianMs: stat(latencies, 0.5),
      p99Ms: stat(latencies, 0.99),
      fastPathRatio,
    });
    points.push({
      protocol: "Multi-Paxos",
      conflictPercent,
      medianMs: stat(paxosLatencies, 0.5),
      p99Ms: stat(paxosLatencies, 0.99),
    });
    runs.push({
      conflictPercent,
      committed: r.samples.length,
      fastPathRatio,
      medianMs: stat(latencies, 0.5),
      p99Ms: stat(latencies, 0.99),
    });
    if (conflictPercent === 0 || conflictPercent === 100) {
      for (const site of EPAXOS_SITES) {
        sites.push({
          protocol: `EPaxos ${conflictPercent}%`,
          site,
          medianMs: stat(r.samples.filter((s) => s.site === site).map((s) => s.latencyMs), 0.5),
        });
      }
    }
  }
  for (const site of EPAXOS_SITES) {
    sites.push({
      protocol: `Multi-Paxos (leader ${params.leader})`,
      site,
      medianMs: stat(paxos.samples.filter((s) => s.site === site).map((s) => s.latencyMs), 0.5),
    });
  }
  const bySite = (protocol: string) =>
    Object.fromEntries(
      sites.filter((s) => s.protocol.startsWith(protocol)).map((s) => [s.site, s.medianMs]),
    );
  const epaxos0 = bySite("EPaxos 0%");
  const multi = bySite("Multi-Paxos");
  const sitesWhereEpaxosWins = EPAXOS_SITES.filter((s) =>
    (epaxos0[s] ?? Infinity) < (multi[s] ?? Infinity)
  );
  return {
    summary: {
      sites: [...EPAXOS_SITES],
      multiPaxosLeader: params.leader,
      fastQuorum: params.fastQuorum,
      epaxos: runs,
      multiPaxos: {
        committed: paxos.samples.length,
        medianMs: stat(paxosLatencies, 0.5),
        p99Ms: stat(paxosLatencies, 0.99),
      },
      medianBySite: {
        epaxosNoConflicts: epaxos0,
        epaxosAllConflicts: bySite("EPaxos 100%"),
        multiPaxos: multi,
      },
      sitesWhereEpaxosWins,
      violations,
    },
    data: { points, sites },
    charts: [
      {
        title: "Commit latency and fast-path ratio against the share of conflicting commands",
        spec: epaxosLatencyChart(points),
      },
      {
        title: `Median commit latency by client site (Multi-Paxos leader in ${params.leader})`,
        spec: epaxosSiteChart(sites),
      },
    ],
    traceHash: combineHashes(hashes),
  };
}

/** EPaxos against Multi-Paxos across five wide-area sites, as conflicts grow. */
export const epaxosExperiment: Experiment = defineExperiment({
  name: "epaxos",
  title: "EPaxos: commit latency and fast path against conflicts, beside Multi-Paxos, over a WAN",
  description:
    "Five replicas at Virginia, California, Oregon, Ireland and Japan, clients at every site. " +
    "Commit latency (median, p99) and EPaxos's fast-path ratio at 0, 2, 10, 25, 50, 100 % " +
    "conflicting commands, beside Multi-Paxos with a fixed leader.",
  params: EPAXOS_PARAMS,
  run: (params, seed, options) => run(params, seed, options.onProgress),
});

/** Options of {@linkcode runEpaxosScenario}. */
export interface EpaxosScenarioOptions {
  /** @default 3 */
  replicas?: number;
  /** @default "correct" */
  variant?: EpaxosVariant;
  /** Writes per replica's client, on keys `x` and `y`. @default 3 */
  requests?: number;
  /** Share of writes on the shared key `x` (the rest on a key of their own), in %. @default 60 */
  conflictPercent?: number;
  /** Crash this replica at 15 ms and restart it at 400 ms (recovery at work). @default none */
  crash?: NodeId;
  /** @default 1200 */
  horizonMs?: number;
}

/** One small EPaxos run for pages and the player: its trace and its dependency graph. */
export interface EpaxosScenario {
  nodes: string[];
  events: TraceEvent[];
  graph: EpaxosGraphNode[];
  completed: number;
  violations: InvariantViolation[];
  traceHash: string;
}

/**
 * Runs a small EPaxos cluster on a LAN with one client per replica writing at the same moments,
 * keeping the whole trace, and lays out the committed dependency graph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEpaxosScenario } from "./epaxos.ts";
 * const run = runEpaxosScenario(1);
 * assert.equal(run.violations.length, 0);
 * assert.equal(run.graph.length, 9);
 * assert.ok(runEpaxosScenario(1, { variant: "small-fast-quorum" }).violations.length > 0);
 * ```
 */
export function runEpaxosScenario(
  seed: number,
  options: EpaxosScenarioOptions = {},
): EpaxosScenario {
  const size = options.replicas ?? 3;
  if (!(Number.isInteger(size) && size >= 3 && size <= 7 && size % 2 === 1)) {
    throw new RangeError(`runEpaxosScenario option replicas must be 3, 5 or 7, got ${size}`);
  }
  const requests = options.requests ?? 3;
  if (!(Number.isInteger(requests) && requests >= 0 && requests <= 20)) {
    throw new RangeError(
      `runEpaxosScenario option requests must be an integer in [0, 20], got ${requests}`,
    );
  }
  const conflictPercent = options.conflictPercent ?? 60;
  if (!(conflictPercent >= 0 && conflictPercent <= 100)) {
    throw new RangeError(
      `runEpaxosScenario option conflictPercent must be in [0, 100], got ${conflictPercent}`,
    );
  }
  const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  if (options.crash !== undefined && !nodes.includes(options.crash)) {
    throw new RangeError(
      `runEpaxosScenario option crash must be one of ${nodes.join(", ")}, got ${options.crash}`,
    );
  }
  const sim = new Simulation<EpaxosMessage>({
    seed,
    network: { latency: { kind: "uniform", minMs: 2, maxMs: 8 } },
  });
  for (const id of nodes) {
    sim.addNode(id, epaxosReplica({ nodes, variant: options.variant, recoveryTimeoutMs: 100 }));
  }
  const clients = nodes.map((_, i) => `c${i + 1}`);
  let mix = seed >>> 0;
  clients.forEach((client, i) => {
    const ops = Array.from({ length: requests }, (_, k) => {
      mix = (Math.imul(mix, 1664525) + 1013904223) >>> 0;
      const shared = (mix / 2 ** 32) * 100 < conflictPercent;
      return {
        atMs: 10 + k * 20,
        op: { f: "write" as const, key: shared ? "x" : `k${i + 1}`, value: (i + 1) * 10 + k },
      };
    });
    sim.addNode(client, epaxosClient({ replica: nodes[i], process: i + 1, ops, timeoutMs: 800 }));
  });
  if (options.crash !== undefined) {
    sim.schedule([
      { atMs: 15, kind: "crash", node: options.crash },
      { atMs: 400, kind: "restart", node: options.crash },
    ]);
  }
  sim.run({ untilMs: options.horizonMs ?? 1200 });
  const events = sim.trace.events;
  return {
    nodes: [...nodes, ...clients],
    events,
    graph: epaxosGraph(events),
    completed: sim.history.filter((e) => e.type === "ok").length,
    violations: [
      ...epaxosSafety(events),
      ...(checkHistory(sim.history, { model: "kv" }).verdict === "not-linearizable"
        ? [{ invariant: "linearizability", message: "The client history is not linearizable" }]
        : []),
    ],
    traceHash: sim.trace.hash(),
  };
}

/**
 * The committed dependency graph of a trace, laid out in execution order, with strongly
 * connected components numbered in the order they execute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosGraph } from "./epaxos.ts";
 * const commit = (id: string, deps: string[], seq: number) =>
 *   ({ t: 1, kind: "state", node: "r1", key: "committed", value: { id, command: { key: "x", op: "write", value: seq }, seq, deps } }) as const;
 * const graph = epaxosGraph([commit("r1.1", ["r2.1"], 1), commit("r2.1", ["r1.1"], 2), commit("r1.2", ["r2.1"], 3)]);
 * assert.deepEqual(graph.map((n) => `${n.id}:${n.component}`), ["r1.1:0", "r2.1:0", "r1.2:1"]);
 * ```
 */
export function epaxosGraph(events: readonly TraceEvent[]): EpaxosGraphNode[] {
  const committed = new Map<string, ReturnType<typeof epaxosCommits>[number]>();
  for (const c of epaxosCommits(events)) if (!committed.has(c.id)) committed.set(c.id, c);
  const executor = new EpaxosExecutor();
  const order: string[] = [];
  for (const [id, c] of [...committed].sort(([a], [b]) => a < b ? -1 : 1)) {
    order.push(...executor.commit(id, { command: c.command, seq: c.seq, deps: c.deps }));
  }
  const reach = (from: string) => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const d of committed.get(id)?.deps ?? []) {
        if (!seen.has(d) && committed.has(d)) {
          seen.add(d);
          stack.push(d);
        }
      }
    }
    return seen;
  };
  const reaches = new Map(order.map((id) => [id, reach(id)]));
  const component = new Map<string, number>();
  let next = 0;
  for (const id of order) {
    if (component.has(id)) continue;
    const c = next++;
    component.set(id, c);
    for (const other of order) {
      if (other !== id && reaches.get(id)!.has(other) && reaches.get(other)!.has(id)) {
        component.set(other, c);
      }
    }
  }
  return order.map((id, i) => {
    const c = committed.get(id)!;
    return {
      id,
      leader: id.slice(0, id.lastIndexOf(".")),
      label: c.command === null
        ? "no-op"
        : `${c.command.op} ${c.command.key}${
          c.command.op === "write" ? `=${c.command.value}` : ""
        }`,
      seq: c.seq,
      deps: c.deps,
      component: component.get(id)!,
      order: i,
    };
  });
}
