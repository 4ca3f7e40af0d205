/**
 * A ready-made Raft KV cluster on the simulator — servers `n1..nN`, clients `c1..cK` — plus
 * snapshots of server state and the client history as JSON lines, for tests, the fault-schedule
 * search, experiments and pages.
 *
 * @module
 */

import type { Fault, NetworkOptions, NodeId, OpEvent, Process, TraceMode } from "../../sim/mod.ts";
import { Simulation } from "../../sim/mod.ts";
import { raftClient } from "./client.ts";
import type { KvCommand } from "./kv.ts";
import type { RaftKvMessage, RaftServerProcess } from "./server.ts";
import { commandDigest, loadRaftState, raftServer } from "./server.ts";
import type { RaftRole, RaftVariant } from "./types.ts";
import type { RaftRules } from "./rules.ts";

/** Options of {@linkcode createRaftCluster}; every field is validated up front. */
export interface RaftClusterOptions {
  /** The simulation seed. */
  seed: number;
  /** Number of servers (n1..nN). @default 3 */
  servers?: number;
  /** Number of clients (c1..cK). @default 0 */
  clients?: number;
  /** Operations per client. @default 20 */
  operations?: number;
  /** @default "correct" */
  variant?: RaftVariant;
  /** @default 150 */
  electionTimeoutMinMs?: number;
  /** @default 300 */
  electionTimeoutMaxMs?: number;
  /** @default electionTimeoutMinMs / 2 */
  heartbeatMs?: number;
  /** Client timeout before retrying elsewhere. @default 100 */
  clientTimeoutMs?: number;
  /** Pause between a client's operations. @default 10 */
  clientThinkMs?: number;
  /** Replacement decision rules (labs). @default the variant's */
  rules?: RaftRules;
  /** Pre-vote before standing (dissertation §9.6). @default false */
  preVote?: boolean;
  /** Network knobs. @default {latency: uniform 2–8 ms} */
  network?: NetworkOptions;
  /** A fault schedule (crash, restart, partition, heal, network, ...). @default [] */
  faults?: readonly Fault[];
  /** @default "full" */
  trace?: TraceMode;
  /** @default 2_000_000 */
  maxEvents?: number;
}

/** A built cluster: the simulation and the node ids. */
export interface RaftCluster {
  sim: Simulation<RaftKvMessage>;
  servers: NodeId[];
  clients: NodeId[];
}

/**
 * Builds a simulation with Raft KV servers and clients.
 *
 * @example
 * ```ts
 * import { createRaftCluster, raftSnapshot } from "./cluster.ts";
 * const { sim, servers } = createRaftCluster({ seed: 1, servers: 5, clients: 2, operations: 5 });
 * sim.run({ untilMs: 2000 });
 * const leaders = raftSnapshot(sim, servers).filter((s) => s.role === "leader");
 * if (leaders.length !== 1) throw new Error("one leader");
 * ```
 */
export function createRaftCluster(options: RaftClusterOptions): RaftCluster {
  const serverCount = options.servers ?? 3;
  const clientCount = options.clients ?? 0;
  if (!(Number.isInteger(serverCount) && serverCount >= 1 && serverCount <= 15)) {
    throw new RangeError(
      `createRaftCluster option servers must be an integer in [1, 15], got ${serverCount}`,
    );
  }
  if (!(Number.isInteger(clientCount) && clientCount >= 0 && clientCount <= 50)) {
    throw new RangeError(
      `createRaftCluster option clients must be an integer in [0, 50], got ${clientCount}`,
    );
  }
  const sim = new Simulation<RaftKvMessage>({
    seed: options.seed,
    network: options.network ?? { latency: { kind: "uniform", minMs: 2, maxMs: 8 } },
    trace: options.trace ?? "full",
    maxEvents: options.maxEvents ?? 2_000_000,
  });
  const servers = Array.from({ length: serverCount }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: clientCount }, (_, i) => `c${i + 1}`);
  for (const id of servers) {
    sim.addNode(
      id,
      raftServer({
        servers,
        variant: options.variant,
        electionTimeoutMinMs: options.electionTimeoutMinMs,
        electionTimeoutMaxMs: options.electionTimeoutMaxMs,
        heartbeatMs: options.heartbeatMs,
        rules: options.rules,
        preVote: options.preVote,
      }),
    );
  }
  clients.forEach((id, i) =>
    sim.addNode(
      id,
      raftClient({
        servers,
        process: i + 1,
        operations: options.operations ?? 20,
        timeoutMs: options.clientTimeoutMs,
        thinkMs: options.clientThinkMs,
      }),
    )
  );
  if (options.faults) sim.schedule(options.faults);
  return { sim, servers, clients };
}

/**
 * The Raft server process a node runs, or null when the node is down or runs something else
 * (a client). Checked, not cast: a server is recognised by its `node` and `kv`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRaftCluster, raftServerOf } from "./cluster.ts";
 * const { sim } = createRaftCluster({ seed: 2, clients: 1 });
 * sim.run({ untilMs: 10 });
 * assert.equal(raftServerOf(sim, "n1")?.node.term, 0);
 * assert.equal(raftServerOf(sim, "c1"), null);
 * ```
 */
export function raftServerOf(
  sim: Simulation<RaftKvMessage>,
  id: NodeId,
): RaftServerProcess | null {
  const process = sim.processOf(id);
  return process !== null && isRaftServer(process) ? process : null;
}

function isRaftServer(process: Process<RaftKvMessage>): process is RaftServerProcess {
  return "node" in process && "kv" in process;
}

/** One server's state at a moment, read from its process (or its disk while it is down). */
export interface RaftServerSnapshot {
  id: NodeId;
  up: boolean;
  role: RaftRole | "down";
  term: number;
  votedFor: NodeId | null;
  commitIndex: number;
  /** Entries as `{term, digest}`; `digest` names the command (`client#seq`). */
  log: { term: number; digest: string }[];
}

/**
 * Snapshots every server: the input of the Log Matching and Leader Completeness monitors.
 *
 * @example
 * ```ts
 * import { createRaftCluster, raftSnapshot } from "./cluster.ts";
 * const { sim, servers } = createRaftCluster({ seed: 2 });
 * sim.run({ untilMs: 500 });
 * raftSnapshot(sim, servers).length; // 3
 * ```
 */
export function raftSnapshot(
  sim: Simulation<RaftKvMessage>,
  servers: readonly NodeId[],
): RaftServerSnapshot[] {
  return servers.map((id) => {
    const process = raftServerOf(sim, id);
    const digest = (entry: { term: number; command: KvCommand }) => ({
      term: entry.term,
      digest: commandDigest(entry.command),
    });
    if (process === null) {
      const { hardState, log } = loadRaftState(sim.storageOf(id));
      return {
        id,
        up: false,
        role: "down",
        term: hardState.currentTerm,
        votedFor: hardState.votedFor,
        commitIndex: 0,
        log: log.map(digest),
      };
    }
    const node = process.node;
    return {
      id,
      up: true,
      role: node.role,
      term: node.term,
      votedFor: node.votedFor,
      commitIndex: node.commitIndex,
      log: node.entries().map(digest),
    };
  });
}

/**
 * The clients' history in real-time order, in the format of DESIGN.md. Operations still open
 * are left without completion, which the format reads as `info`.
 */
export function raftKvHistory(sim: Simulation<RaftKvMessage>): OpEvent[] {
  return sim.history.map((op) => ({ ...op }));
}

/**
 * The clients' history as JSON lines, one event per line: the input of `deno task check`.
 *
 * @example
 * ```ts
 * import { createRaftCluster, raftKvHistoryJsonLines } from "./cluster.ts";
 * const { sim } = createRaftCluster({ seed: 1, clients: 1, operations: 2 });
 * sim.run({ untilMs: 1500 });
 * if (raftKvHistoryJsonLines(sim).trim().split("\n").length !== 4) throw new Error("2 ops, 4 events");
 * ```
 */
export function raftKvHistoryJsonLines(sim: Simulation<RaftKvMessage>): string {
  const lines = sim.history.map((op) => JSON.stringify(op));
  return lines.join("\n") + (lines.length ? "\n" : "");
}
