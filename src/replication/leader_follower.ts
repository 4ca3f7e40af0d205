/**
 * The kernel adapters of leader-follower replication: a replica process wrapping a
 * {@linkcode ReplicaNode}, a failover manager (the role ZooKeeper, Patroni or an operator plays
 * in DDIA ch. 5 "Handling Node Outages"), and a scripted client that records a Jepsen-style
 * history plus a session log with versions (for read-your-writes and monotonic-reads checks).
 *
 * Failover: the manager promotes a replica by sending it `Promote` with a fresh epoch and tells
 * everyone else `NewLeader`. Automatic failover pings the leader and fails over after
 * `missedPings` silent periods; manual failover is {@linkcode FailoverManagerProcess.failover},
 * called by an operator (an experiment) at a chosen time. With `variant: "no-fencing"` the
 * manager reuses the old epoch, so a deposed leader that is still running keeps accepting
 * writes in the same epoch as the new one: split brain.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../sim/mod.ts";
import {
  type LeaderFollowerMessage,
  type LeaderFollowerVariant,
  type ReplicaLogEntry,
  ReplicaNode,
  type ReplicationMode,
} from "./leader_follower_node.ts";
import type { ReplicaVersion } from "./versions.ts";

const EPOCH_KEY = "replica/epoch";
const LOG_KEY = "replica/log";

/** A running replica, as `sim.processOf(id)` returns it. */
export interface ReplicaProcess extends Process<LeaderFollowerMessage> {
  readonly kind: "replica";
  readonly node: ReplicaNode;
}

/** Options of {@linkcode leaderFollowerReplica}. */
export interface LeaderFollowerReplicaOptions {
  /** Every replica, this one included. */
  replicas: readonly NodeId[];
  /** @default "async" */
  mode?: ReplicationMode;
  /** @default "correct" */
  variant?: LeaderFollowerVariant;
  /** The leader's resend/heartbeat period. @default 20 */
  tickMs?: number;
}

/**
 * A process factory for one replica. It persists epoch and log before sending (a replica's
 * promise to a leader must survive its crash), and traces `role`, `epoch` and `accept`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { leaderFollowerReplica, failoverManager } from "./leader_follower.ts";
 * const replicas = ["n1", "n2"];
 * const sim = new Simulation({ seed: 1 });
 * for (const id of replicas) sim.addNode(id, leaderFollowerReplica({ replicas }));
 * sim.addNode("manager", failoverManager({ replicas }));
 * sim.run({ untilMs: 50 });
 * assert.equal(sim.storageOf("n1").get("replica/epoch"), 1);
 * ```
 */
export function leaderFollowerReplica(
  options: LeaderFollowerReplicaOptions,
): ProcessFactory<LeaderFollowerMessage, ReplicaProcess> {
  const tickMs = options.tickMs ?? 20;
  if (!(tickMs > 0 && Number.isFinite(tickMs))) {
    throw new RangeError(`leaderFollowerReplica option tickMs must be > 0, got ${tickMs}`);
  }
  return (rt: Runtime<LeaderFollowerMessage>) => {
    const node = new ReplicaNode({
      id: rt.id,
      peers: options.replicas.filter((id) => id !== rt.id),
      mode: options.mode,
      variant: options.variant,
      epoch: rt.storage.get<number>(EPOCH_KEY) ?? 0,
      log: rt.storage.get<ReplicaLogEntry[]>(LOG_KEY) ?? [],
    });
    const flush = () => {
      const ready = node.ready();
      if (ready.persist) {
        rt.storage.set(EPOCH_KEY, node.epoch);
        rt.storage.set(LOG_KEY, node.entries());
      }
      for (const { to, msg } of ready.messages) rt.send(to, msg);
      for (const [key, value] of ready.changes) rt.state(key, value);
    };
    return {
      kind: "replica",
      node,
      onStart() {
        rt.setTimer(tickMs, "tick");
      },
      onMessage(from, msg) {
        node.step(from, msg);
        flush();
      },
      onTimer() {
        node.tick();
        flush();
        rt.setTimer(tickMs, "tick");
      },
    };
  };
}

/** The failover manager, as `sim.processOf("manager")` returns it. */
export interface FailoverManagerProcess extends Process<LeaderFollowerMessage> {
  readonly kind: "manager";
  /** The replica the manager last promoted. */
  readonly leader: NodeId;
  /** The epoch it promoted it in. */
  readonly epoch: number;
  /** Failovers started so far. */
  readonly failovers: number;
  /** Starts a failover now (manual failover): probe the others, promote one. */
  failover(): void;
}

/** Options of {@linkcode failoverManager}. */
export interface FailoverManagerOptions {
  replicas: readonly NodeId[];
  /** Nodes told about each new leader besides the replicas (clients). @default [] */
  clients?: readonly NodeId[];
  /** Fail over on its own when the leader stops answering. @default true */
  automatic?: boolean;
  /** Ping period. @default 25 */
  pingMs?: number;
  /** Silent ping periods before an automatic failover. @default 3 */
  missedPings?: number;
  /** How long to collect replicas' status before promoting one. @default 20 */
  statusWaitMs?: number;
  /**
   * Which replica to promote: the one with the longest log (`most-advanced`), or the first
   * that answers in replica order (`any`: may promote a lagging follower). @default "most-advanced"
   */
  promotion?: "most-advanced" | "any";
  /** `no-fencing`: promote in the same epoch. @default "correct" */
  variant?: LeaderFollowerVariant;
}

/**
 * A process factory for the failover manager. It promotes `replicas[0]` in epoch 1 at start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { failoverManager, leaderFollowerReplica, type FailoverManagerProcess } from "./leader_follower.ts";
 * const replicas = ["n1", "n2", "n3"];
 * const sim = new Simulation({ seed: 3 });
 * for (const id of replicas) sim.addNode(id, leaderFollowerReplica({ replicas }));
 * sim.addNode("manager", failoverManager({ replicas }));
 * sim.schedule([{ atMs: 100, kind: "crash", node: "n1" }]);
 * sim.run({ untilMs: 400 });
 * const manager = sim.processOf("manager") as FailoverManagerProcess;
 * assert.equal(manager.epoch, 2);
 * assert.notEqual(manager.leader, "n1");
 * ```
 */
export function failoverManager(
  options: FailoverManagerOptions,
): ProcessFactory<LeaderFollowerMessage, FailoverManagerProcess> {
  const pingMs = options.pingMs ?? 25;
  const missedPings = options.missedPings ?? 3;
  const statusWaitMs = options.statusWaitMs ?? 20;
  const promotion = options.promotion ?? "most-advanced";
  const variant = options.variant ?? "correct";
  if (options.replicas.length < 1) {
    throw new RangeError("failoverManager option replicas must name at least one replica");
  }
  if (!(pingMs > 0)) {
    throw new RangeError(`failoverManager option pingMs must be > 0, got ${pingMs}`);
  }
  if (!(Number.isInteger(missedPings) && missedPings >= 1)) {
    throw new RangeError(
      `failoverManager option missedPings must be an integer >= 1, got ${missedPings}`,
    );
  }
  if (promotion !== "most-advanced" && promotion !== "any") {
    throw new RangeError(
      `failoverManager option promotion must be most-advanced or any, got ${promotion}`,
    );
  }
  return (rt: Runtime<LeaderFollowerMessage>) => {
    let leader = options.replicas[0];
    let epoch = 0;
    let failovers = 0;
    let probe = 0;
    let lastHeardMs = 0;
    let choosing = false;
    let replies: { from: NodeId; epoch: number; lastIndex: number; lastEpoch: number }[] = [];

    const promote = (target: NodeId, newEpoch: number) => {
      leader = target;
      epoch = newEpoch;
      rt.send(target, { type: "Promote", epoch });
      for (const id of [...options.replicas, ...(options.clients ?? [])]) {
        if (id !== target) rt.send(id, { type: "NewLeader", epoch, leader });
      }
      rt.state("promote", { leader, epoch });
      lastHeardMs = rt.monotonic();
    };

    const choose = () => {
      choosing = false;
      if (replies.length === 0) {
        lastHeardMs = rt.monotonic(); // nobody answered; try again after another silence
        return;
      }
      const ordered = promotion === "any"
        ? replies.slice().sort((a, b) =>
          options.replicas.indexOf(a.from) - options.replicas.indexOf(b.from)
        )
        : replies.slice().sort((a, b) =>
          b.lastEpoch - a.lastEpoch || b.lastIndex - a.lastIndex ||
          options.replicas.indexOf(a.from) - options.replicas.indexOf(b.from)
        );
      // Fencing: the new leader's epoch must exceed every epoch anyone reported, so its
      // followers refuse the deposed leader (the fencing token of Kleppmann's locking essay).
      const seen = Math.max(epoch, ...replies.map((r) => r.epoch));
      promote(ordered[0].from, variant === "correct" ? seen + 1 : Math.max(epoch, 1));
    };

    const self: FailoverManagerProcess = {
      kind: "manager",
      get leader() {
        return leader;
      },
      get epoch() {
        return epoch;
      },
      get failovers() {
        return failovers;
      },
      failover() {
        if (choosing) return;
        failovers++;
        choosing = true;
        probe++;
        replies = [];
        for (const id of options.replicas) {
          if (id !== leader) rt.send(id, { type: "Status", probe });
        }
        rt.setTimer(statusWaitMs, "choose");
      },
      onStart() {
        promote(leader, 1);
        if (options.automatic ?? true) rt.setTimer(pingMs, "ping");
      },
      onMessage(from, msg) {
        if (msg.type !== "StatusReply") return;
        if (from === leader && msg.role === "leader") lastHeardMs = rt.monotonic();
        if (choosing && msg.probe === probe && from !== leader) replies.push({ from, ...msg });
      },
      onTimer(tag) {
        if (tag === "choose") return choose();
        if (!choosing && rt.monotonic() - lastHeardMs > pingMs * missedPings) self.failover();
        rt.send(leader, { type: "Status", probe: 0 });
        rt.setTimer(pingMs, "ping");
      },
    };
    return self;
  };
}

/** One operation of a scripted client. */
export interface LeaderFollowerOp {
  /** Earliest time to issue it (later when the previous operation is still open). */
  atMs: number;
  f: "write" | "read";
  key: string;
  /** The value to write: unique per write, so a lost write can be named. */
  value?: number;
  /** Where a read goes: the leader, a random follower, or a named replica. @default "leader" */
  readFrom?: "leader" | "follower" | NodeId;
}

/** What a client saw for one operation, with the version the replica reported. */
export interface SessionOp {
  process: number;
  f: "write" | "read";
  key: string;
  value: number | null;
  outcome: "ok" | "fail" | "unknown";
  version: ReplicaVersion | null;
  replica: NodeId;
  invokeMs: number;
  completeMs: number;
}

/** A scripted client, as `sim.processOf(id)` returns it. */
export interface LeaderFollowerClientProcess extends Process<LeaderFollowerMessage> {
  readonly kind: "client";
  /** Every completed operation, in order. */
  readonly sessions: readonly SessionOp[];
}

/** Options of {@linkcode leaderFollowerClient}. */
export interface LeaderFollowerClientOptions {
  /** The client's process number in the history. */
  process: number;
  replicas: readonly NodeId[];
  ops: readonly LeaderFollowerOp[];
  /** Give up on an operation after this long. @default 200 */
  timeoutMs?: number;
}

/**
 * A process factory for a scripted client: one open operation at a time; writes go to the
 * leader it last heard of, reads where the script says. A timed-out write is recorded as
 * `info` (it may still take effect), a redirected one as `fail`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import * as lf from "./leader_follower.ts";
 * const replicas = ["n1", "n2"];
 * const sim = new Simulation({ seed: 2 });
 * for (const id of replicas) sim.addNode(id, lf.leaderFollowerReplica({ replicas }));
 * sim.addNode("manager", lf.failoverManager({ replicas, clients: ["c1"] }));
 * sim.addNode("c1", lf.leaderFollowerClient({ process: 1, replicas, ops: [
 *   { atMs: 10, f: "write", key: "x", value: 1 },
 *   { atMs: 20, f: "read", key: "x" },
 * ] }));
 * sim.run({ untilMs: 300 });
 * assert.deepEqual(sim.history.map((e) => e.type), ["invoke", "ok", "invoke", "ok"]);
 * ```
 */
export function leaderFollowerClient(
  options: LeaderFollowerClientOptions,
): ProcessFactory<LeaderFollowerMessage, LeaderFollowerClientProcess> {
  const timeoutMs = options.timeoutMs ?? 200;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`leaderFollowerClient option timeoutMs must be > 0, got ${timeoutMs}`);
  }
  return (rt: Runtime<LeaderFollowerMessage>) => {
    const sessions: SessionOp[] = [];
    let leader = options.replicas[0];
    let next = 0;
    let open: {
      op: LeaderFollowerOp;
      requestId: number;
      replica: NodeId;
      invokeMs: number;
      timer: number;
    } | null = null;
    let requestId = 0;

    const scheduleNext = () => {
      if (next >= options.ops.length) return;
      rt.setTimer(Math.max(0, options.ops[next].atMs - rt.monotonic()), "issue");
    };
    const complete = (
      outcome: "ok" | "fail" | "unknown",
      value: number | null,
      version: ReplicaVersion | null,
    ) => {
      if (open === null) return;
      const { op, replica, invokeMs, timer } = open;
      rt.cancelTimer(timer);
      const type = outcome === "unknown" ? "info" : outcome;
      rt.recordOp({
        process: options.process,
        type,
        f: op.f,
        key: op.key,
        ...(op.f === "write" ? { value: op.value } : outcome === "ok" ? { value } : {}),
      });
      sessions.push({
        process: options.process,
        f: op.f,
        key: op.key,
        value: op.f === "write" ? op.value ?? null : value,
        outcome,
        version,
        replica,
        invokeMs,
        completeMs: rt.now(),
      });
      open = null;
      next++;
      scheduleNext();
    };
    const issue = () => {
      if (open !== null || next >= options.ops.length) return;
      const op = options.ops[next];
      const followers = options.replicas.filter((id) => id !== leader);
      const replica = op.f === "write" || (op.readFrom ?? "leader") === "leader"
        ? leader
        : op.readFrom === "follower"
        ? (followers.length > 0 ? rt.random.pick(followers) : leader)
        : op.readFrom!;
      requestId++;
      rt.recordOp({
        process: options.process,
        type: "invoke",
        f: op.f,
        key: op.key,
        ...(op.f === "write" ? { value: op.value } : {}),
      });
      open = {
        op,
        requestId,
        replica,
        invokeMs: rt.now(),
        timer: rt.setTimer(timeoutMs, "timeout"),
      };
      rt.send(
        replica,
        op.f === "write"
          ? { type: "ClientWrite", requestId, key: op.key, value: op.value ?? 0 }
          : { type: "ClientRead", requestId, key: op.key },
      );
    };
    return {
      kind: "client",
      sessions,
      onStart: scheduleNext,
      onMessage(_from, msg) {
        if (msg.type === "NewLeader") {
          leader = msg.leader;
          return;
        }
        if (open === null) return;
        if (msg.type === "ClientWriteReply" && msg.requestId === open.requestId) {
          if (msg.leader !== null) leader = msg.leader;
          if (msg.outcome === "ok") complete("ok", open.op.value ?? null, msg.version ?? null);
          else complete(msg.outcome === "redirect" ? "fail" : "unknown", null, null);
        } else if (msg.type === "ClientReadReply" && msg.requestId === open.requestId) {
          complete("ok", msg.value, msg.version);
        }
      },
      onTimer(tag) {
        if (tag === "issue") issue();
        else if (tag === "timeout") complete("unknown", null, null);
      },
    };
  };
}
