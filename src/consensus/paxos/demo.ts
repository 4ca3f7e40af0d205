/**
 * Small ready-made Paxos runs for pages and labs: a single-decree round with a few proposers,
 * and a Multi-Paxos cluster whose leader crashes mid-stream.
 *
 * @module
 */

import { type Fault, type Process, Simulation, type TraceEvent } from "../../sim/mod.ts";
import { paxosClient } from "./client.ts";
import { type MultiPaxosMessage, multiPaxosNode, type MultiPaxosProcess } from "./multi_paxos.ts";
import {
  type PaxosMessage,
  paxosNode,
  type PaxosProcess,
  type PaxosVariant,
  type RetryPolicy,
} from "./single_decree.ts";

/** Options of {@linkcode paxosDemo}. */
export interface PaxosDemoOptions {
  seed: number;
  /** @default 1 */
  proposers?: number;
  /** @default 3 */
  acceptors?: number;
  /** @default 0 */
  lossProbability?: number;
  /** @default 300 */
  horizonMs?: number;
  /** @default "immediate" */
  retry?: RetryPolicy;
  /** @default "correct" */
  variant?: PaxosVariant;
}

/** What a demo run returns: plain data. */
export interface PaxosDemoRun {
  nodes: string[];
  events: TraceEvent[];
  /** The value each learner learned (null: none). */
  learned: Record<string, string | null>;
  decidedAtMs: number | null;
  messages: number;
  traceHash: string;
}

function firstChosen(events: readonly TraceEvent[]): number | null {
  return events.find((e) => e.kind === "state" && e.key === "chosen")?.t ?? null;
}

/**
 * One single-decree round: proposers p1..pN each get a value at t≈0; acceptors a1..aM also
 * learn.
 *
 * @example
 * ```ts
 * import { paxosDemo } from "./demo.ts";
 * const run = paxosDemo({ seed: 1 });
 * run.learned.a1; // "v1"
 * ```
 */
export function paxosDemo(options: PaxosDemoOptions): PaxosDemoRun {
  const proposerCount = options.proposers ?? 1;
  const acceptorCount = options.acceptors ?? 3;
  if (!(Number.isInteger(proposerCount) && proposerCount >= 1 && proposerCount <= 9)) {
    throw new RangeError(
      `paxosDemo option proposers must be an integer in [1, 9], got ${proposerCount}`,
    );
  }
  if (!(Number.isInteger(acceptorCount) && acceptorCount >= 1 && acceptorCount <= 9)) {
    throw new RangeError(
      `paxosDemo option acceptors must be an integer in [1, 9], got ${acceptorCount}`,
    );
  }
  const proposers = Array.from({ length: proposerCount }, (_, i) => `p${i + 1}`);
  const acceptors = Array.from({ length: acceptorCount }, (_, i) => `a${i + 1}`);
  // Proposers and acceptors run PaxosProcess; the client is a plain process.
  const sim = new Simulation<PaxosMessage, PaxosProcess | Process<PaxosMessage>>({
    seed: options.seed,
    network: { lossProbability: options.lossProbability ?? 0 },
  });
  const node = paxosNode({
    acceptors,
    proposers,
    learners: acceptors,
    retry: options.retry,
    variant: options.variant,
  });
  for (const id of [...proposers, ...acceptors]) sim.addNode(id, node);
  sim.addNode(
    "client",
    paxosClient(proposers.map((to, i) => ({ atMs: i * 0.5, to, value: `v${i + 1}` })), "Propose"),
  );
  sim.run({ untilMs: options.horizonMs ?? 300 });
  const learned: Record<string, string | null> = {};
  for (const id of acceptors) {
    const process = sim.processOf(id);
    learned[id] = process !== null && "chosen" in process ? process.chosen() : null;
  }
  return {
    nodes: ["client", ...proposers, ...acceptors],
    events: sim.trace.events,
    learned,
    decidedAtMs: firstChosen(sim.trace.events),
    messages: sim.stats.sent,
    traceHash: sim.trace.hash(),
  };
}

/**
 * A Multi-Paxos cluster n1..nN with a client sending `requests` commands every 40 ms from
 * 400 ms; the first leader crashes at `crashLeaderAtMs` (and restarts 300 ms later).
 *
 * @example
 * ```ts
 * import { multiPaxosDemo } from "./demo.ts";
 * const run = multiPaxosDemo({ seed: 1 });
 * run.logs.n2.length > 0; // true
 * ```
 */
export function multiPaxosDemo(options: {
  seed: number;
  nodes?: number;
  requests?: number;
  crashLeaderAtMs?: number;
  lossProbability?: number;
  horizonMs?: number;
}): PaxosDemoRun & { logs: Record<string, (string | null)[]>; leaders: string[] } {
  const count = options.nodes ?? 3;
  const nodes = Array.from({ length: count }, (_, i) => `n${i + 1}`);
  const sim = new Simulation<MultiPaxosMessage, MultiPaxosProcess | Process<MultiPaxosMessage>>({
    seed: options.seed,
    network: { lossProbability: options.lossProbability ?? 0 },
  });
  for (const id of nodes) sim.addNode(id, multiPaxosNode({ nodes }));
  const requests = Array.from({ length: options.requests ?? 10 }, (_, i) => ({
    atMs: 400 + 40 * i,
    to: nodes[i % count],
    value: `c${i + 1}`,
  }));
  sim.addNode("client", paxosClient<MultiPaxosMessage>(requests, "Request"));
  const crashAt = options.crashLeaderAtMs ?? 520;
  const replica = (id: string) => {
    const process = sim.processOf(id);
    return process !== null && "isLeader" in process ? process : null;
  };
  sim.at(crashAt, () => {
    const leader = nodes.find((id) => replica(id)?.isLeader());
    if (leader === undefined) return;
    const faults: Fault[] = [
      { atMs: crashAt, kind: "crash", node: leader },
      { atMs: crashAt + 300, kind: "restart", node: leader },
    ];
    sim.schedule(faults);
  });
  sim.run({ untilMs: options.horizonMs ?? 1500 });
  const logs: Record<string, (string | null)[]> = {};
  const leaders: string[] = [];
  for (const id of nodes) {
    logs[id] = Array.from(replica(id)?.log() ?? [], (v) => v ?? null);
  }
  for (const e of sim.trace.events) {
    if (e.kind === "state" && e.key === "role" && e.value === "leader") leaders.push(e.node);
  }
  return {
    nodes: [...nodes, "client"],
    events: sim.trace.events,
    learned: Object.fromEntries(nodes.map((id) => [id, logs[id].join(",")])),
    decidedAtMs: firstChosen(sim.trace.events),
    messages: sim.stats.sent,
    traceHash: sim.trace.hash(),
    logs,
    leaders,
  };
}
