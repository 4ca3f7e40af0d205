/**
 * The adapter that runs a {@linkcode RaftNode} with its key-value state machine as a kernel
 * `Process`: it loads durable state on (re)start, persists before it sends (Figure 2: "updated
 * on stable storage before responding to RPCs"), arms timers, applies committed entries,
 * answers clients and traces state changes (`role`, `term`, `leader`, `commitIndex`,
 * `leaderLog`, `apply`).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import type { ClientRequest, ClientResponse, KvCommand } from "./kv.ts";
import { KvStateMachine } from "./kv.ts";
import type { Ready } from "./node.ts";
import { RaftNode } from "./node.ts";
import type { HardState, LogEntry, RaftMessage, RaftVariant } from "./types.ts";
import type { RaftRules } from "./rules.ts";

/** Every message of a Raft KV cluster: server-to-server RPCs and client traffic. */
export type RaftKvMessage = RaftMessage<KvCommand> | ClientRequest | ClientResponse;

/** Options of {@linkcode raftServer}. */
export interface RaftServerOptions {
  /** Every server of the cluster, this one included. */
  servers: readonly NodeId[];
  /** Which implementation to run. @default "correct" */
  variant?: RaftVariant;
  /** @default 150 */
  electionTimeoutMinMs?: number;
  /** @default 300 */
  electionTimeoutMaxMs?: number;
  /** @default electionTimeoutMinMs / 2 */
  heartbeatMs?: number;
  /** Replacement decision rules (labs). @default the variant's */
  rules?: RaftRules;
  /** Pre-vote before standing (dissertation §9.6). @default false */
  preVote?: boolean;
  /** Trace an `apply` state event per applied entry (for the state-machine monitor). @default true */
  traceApply?: boolean;
}

/** A running server, as `sim.processOf(id)` returns it, for inspection. */
export interface RaftServerProcess extends Process<RaftKvMessage> {
  readonly node: RaftNode<KvCommand>;
  readonly kv: KvStateMachine;
  /** Hands leadership to `target` (dissertation §3.10); false when not the leader. */
  transferLeadership(target: NodeId): boolean;
}

const TERM_KEY = "raft/currentTerm";
const VOTE_KEY = "raft/votedFor";
const LAST_KEY = "raft/lastIndex";
const entryKey = (index: number) => `raft/log/${index}`;

/** Reads a server's durable Raft state from its storage (also works while it is down). */
export function loadRaftState(
  storage: Runtime["storage"],
): { hardState: HardState; log: LogEntry<KvCommand>[] } {
  const lastIndex = storage.get<number>(LAST_KEY) ?? 0;
  const log: LogEntry<KvCommand>[] = [];
  for (let i = 1; i <= lastIndex; i++) log.push(storage.get<LogEntry<KvCommand>>(entryKey(i))!);
  return {
    hardState: {
      currentTerm: storage.get<number>(TERM_KEY) ?? 0,
      votedFor: storage.get<NodeId | null>(VOTE_KEY) ?? null,
    },
    log,
  };
}

/**
 * Seeds a server's storage before the run, e.g. logs of different lengths for Figure 16.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { raftServer, seedRaftState } from "./server.ts";
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode("n1", raftServer({ servers: ["n1"] }));
 * seedRaftState(sim.storageOf("n1"), { currentTerm: 1, votedFor: null }, []);
 * ```
 */
export function seedRaftState(
  storage: Runtime["storage"],
  hardState: HardState,
  log: readonly LogEntry<KvCommand>[],
): void {
  storage.set(TERM_KEY, hardState.currentTerm);
  storage.set(VOTE_KEY, hardState.votedFor);
  log.forEach((entry, i) => storage.set(entryKey(i + 1), entry));
  storage.set(LAST_KEY, log.length);
}

/** The identity of an applied command, as traced: `index:term:client#seq`. */
export function entryDigest(index: number, entry: LogEntry<KvCommand>): string {
  return `${index}:${entry.term}:${commandDigest(entry.command)}`;
}

/** A command's identity, `client#seq` (`-` for a leader's no-op). */
export function commandDigest(command: KvCommand | null | undefined): string {
  return command ? `${command.clientId}#${command.seq}` : "-";
}

/**
 * A process factory for one Raft KV server.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { raftServer, type RaftKvMessage, type RaftServerProcess } from "./server.ts";
 * const servers = ["n1", "n2", "n3"];
 * const sim = new Simulation<RaftKvMessage, RaftServerProcess>({ seed: 7 });
 * for (const id of servers) sim.addNode(id, raftServer({ servers }));
 * sim.run({ untilMs: 1000 });
 * const leaders = servers.filter((id) => sim.processOf(id)?.node.role === "leader");
 * if (leaders.length !== 1) throw new Error("one leader");
 * ```
 */
export function raftServer(
  options: RaftServerOptions,
): ProcessFactory<RaftKvMessage, RaftServerProcess> {
  if (options.servers.length === 0) throw new RangeError("raftServer option servers is empty");
  return (rt) => new Server(rt, options);
}

class Server implements RaftServerProcess {
  readonly kv = new KvStateMachine();
  #rt: Runtime<RaftKvMessage>;
  #options: RaftServerOptions;
  #node: RaftNode<KvCommand> | null = null;
  #election = { id: -1, token: 0 };
  #heartbeat = { id: -1, token: 0 };
  #nextToken = 1;
  /** Which sequence number each client is waiting for an answer to from this server. */
  #pending = new Map<NodeId, number>();

  constructor(rt: Runtime<RaftKvMessage>, options: RaftServerOptions) {
    this.#rt = rt;
    this.#options = options;
  }

  get node(): RaftNode<KvCommand> {
    if (this.#node === null) throw new Error(`Raft server ${this.#rt.id} has not started`);
    return this.#node;
  }

  onStart(): void {
    const rt = this.#rt;
    if (!this.#options.servers.includes(rt.id)) {
      throw new RangeError(`Raft server ${rt.id} is not in servers ${this.#options.servers}`);
    }
    const { hardState, log } = loadRaftState(rt.storage);
    this.#node = new RaftNode<KvCommand>({
      id: rt.id,
      peers: this.#options.servers.filter((id) => id !== rt.id),
      random: () => rt.random.next(),
      variant: this.#options.variant,
      electionTimeoutMinMs: this.#options.electionTimeoutMinMs,
      electionTimeoutMaxMs: this.#options.electionTimeoutMaxMs,
      heartbeatMs: this.#options.heartbeatMs,
      rules: this.#options.rules,
      preVote: this.#options.preVote,
      hardState,
      log,
    });
    this.#node.start();
    this.#flush();
  }

  onMessage(from: NodeId, msg: RaftKvMessage): void {
    switch (msg.type) {
      case "ClientRequest":
        this.#handleClient(msg);
        break;
      case "ClientResponse":
        return;
      default:
        this.node.step(from, msg);
    }
    this.#flush();
  }

  onTimer(tag: string, data: unknown): void {
    if (tag === "election" && data === this.#election.token) this.node.electionTimeout();
    else if (tag === "heartbeat" && data === this.#heartbeat.token) this.node.heartbeatTimeout();
    else return;
    this.#flush();
  }

  transferLeadership(target: NodeId): boolean {
    const started = this.node.transferLeadership(target);
    this.#flush();
    return started;
  }

  #handleClient(request: ClientRequest): void {
    const node = this.node;
    const reply = (response: Omit<ClientResponse, "type" | "seq" | "leaderHint">) =>
      this.#rt.send(request.clientId, {
        type: "ClientResponse",
        seq: request.seq,
        leaderHint: node.leaderId,
        ...response,
      });
    if (node.role !== "leader") return reply({ status: "not-leader" });
    const cached = this.kv.cached(request.clientId, request.seq);
    if (cached !== undefined) return reply({ status: cached.type, value: cached.value });
    if (request.seq < this.kv.lastSeq(request.clientId)) return; // the client has moved on
    const proposed = node.propose({ clientId: request.clientId, seq: request.seq, op: request.op });
    // A leader handing over leadership takes no new commands: the client will retry.
    if (proposed === null) return reply({ status: "not-leader" });
    this.#pending.set(request.clientId, request.seq);
  }

  /** Carries out a Ready in the order Figure 2 requires: persist, then send. */
  #flush(): void {
    const rt = this.#rt;
    const ready: Ready<KvCommand> = this.node.ready();
    if (ready.hardState !== null) {
      rt.storage.set(TERM_KEY, ready.hardState.currentTerm);
      rt.storage.set(VOTE_KEY, ready.hardState.votedFor);
    }
    if (ready.logWrite !== null) {
      const { fromIndex, entries, lastIndex } = ready.logWrite;
      const previousLast = rt.storage.get<number>(LAST_KEY) ?? 0;
      entries.forEach((entry, i) => rt.storage.set(entryKey(fromIndex + i), entry));
      for (let i = lastIndex + 1; i <= previousLast; i++) rt.storage.delete(entryKey(i));
      rt.storage.set(LAST_KEY, lastIndex);
    }
    for (const [key, value] of ready.changes) rt.state(key, value);
    for (const { to, msg } of ready.messages) rt.send(to, msg);
    for (const { index, entry } of ready.committed) this.#apply(index, entry);
    const { election, heartbeat } = ready.timers;
    if (election !== undefined) this.#arm(this.#election, election, "election");
    if (heartbeat !== undefined) this.#arm(this.#heartbeat, heartbeat, "heartbeat");
  }

  /** Re-arms (or stops) a timer; the token in its data lets a stale firing be ignored. */
  #arm(slot: { id: number; token: number }, delayMs: number | null, tag: string): void {
    this.#rt.cancelTimer(slot.id);
    if (delayMs === null) {
      slot.id = -1;
      slot.token = 0;
      return;
    }
    slot.token = this.#nextToken++;
    slot.id = this.#rt.setTimer(delayMs, tag, slot.token);
  }

  #apply(index: number, entry: LogEntry<KvCommand>): void {
    if (this.#options.traceApply !== false) this.#rt.state("apply", entryDigest(index, entry));
    const command = entry.command;
    if (command === null || command === undefined) return;
    const result = this.kv.apply(command);
    if (result === null || this.#pending.get(command.clientId) !== command.seq) return;
    this.#pending.delete(command.clientId);
    this.#rt.send(command.clientId, {
      type: "ClientResponse",
      seq: command.seq,
      status: result.type,
      value: result.value,
      leaderHint: this.node.leaderId,
    });
  }
}
