/**
 * Leader-follower (primary-backup) replication as a pure state machine in the Step/Ready
 * shape of `consensus/raft/node.ts`: one entry point for messages
 * ({@linkcode ReplicaNode.step}), one for the periodic tick, output pulled as data
 * ({@linkcode ReplicaNode.ready}).
 *
 * Source: Kleppmann, "Designing Data-Intensive Applications", ch. 5 ("Leaders and Followers":
 * synchronous versus asynchronous replication, handling node outages, failover, replication
 * lag); fencing by epoch as in Kleppmann's "How to do distributed locking" (fencing tokens) and
 * the epoch/term of Viewstamped Replication (Oki and Liskov, §4) and Raft (§5.1).
 *
 * Guarantees (variant `"correct"`): at most one replica accepts writes in any one epoch, a
 * replica never takes entries from a leader of an older epoch (it is fenced), and a deposed
 * leader that hears of a newer epoch steps down. In mode `"sync"` an acknowledged write is on
 * every follower; in `"semi-sync"` on at least one; in `"async"` only on the leader — so a
 * failover may lose acknowledged writes, which the experiments measure.
 * Non-goals: electing the leader (an external failover manager does, see
 * `leader_follower.ts`), incremental catch-up after a failover (a new leader resends its
 * whole log once per follower), log compaction.
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";
import { logVersion, type ReplicaVersion } from "./versions.ts";

/** How many followers must hold a write before the leader acknowledges it. */
export const REPLICATION_MODES = ["sync", "semi-sync", "async"] as const;
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** `"no-fencing"`: the seed-style failover that never bumps or checks the epoch. */
export const LEADER_FOLLOWER_VARIANTS = ["correct", "no-fencing"] as const;
export type LeaderFollowerVariant = (typeof LEADER_FOLLOWER_VARIANTS)[number];

/** One write in a replica's log. `epoch` is the epoch of the leader that accepted it. */
export interface ReplicaLogEntry {
  epoch: number;
  key: string;
  value: number;
}

/** Every message of a leader-follower cluster, named as in DDIA ch. 5. */
export type LeaderFollowerMessage =
  | { type: "ClientWrite"; requestId: number; key: string; value: number }
  | {
    type: "ClientWriteReply";
    requestId: number;
    outcome: "ok" | "redirect" | "unknown";
    leader: NodeId | null;
    version?: ReplicaVersion;
  }
  | { type: "ClientRead"; requestId: number; key: string }
  | {
    type: "ClientReadReply";
    requestId: number;
    value: number | null;
    version: ReplicaVersion | null;
  }
  | { type: "Replicate"; epoch: number; fromIndex: number; entries: ReplicaLogEntry[] }
  | { type: "ReplicateAck"; epoch: number; matchIndex: number; ok: boolean }
  | { type: "Status"; probe: number }
  | {
    type: "StatusReply";
    probe: number;
    epoch: number;
    role: LeaderFollowerRole;
    lastIndex: number;
    lastEpoch: number;
  }
  | { type: "Promote"; epoch: number }
  | { type: "NewLeader"; epoch: number; leader: NodeId };

/** A replica's role. */
export type LeaderFollowerRole = "leader" | "follower";

/** A message for the caller to send. */
export interface ReplicaOutgoing {
  to: NodeId;
  msg: LeaderFollowerMessage;
}

/** What the caller must do after a call: persist (when `persist`), then send, then trace. */
export interface ReplicaReady {
  messages: ReplicaOutgoing[];
  /** True when the epoch or the log changed and must be written to stable storage first. */
  persist: boolean;
  /** State changes for the trace: `role`, `epoch`, `accept` (a write taken as leader). */
  changes: [key: string, value: unknown][];
}

/** Options of a {@linkcode ReplicaNode}. */
export interface ReplicaNodeOptions {
  id: NodeId;
  /** Every other replica. */
  peers: readonly NodeId[];
  /** @default "async" */
  mode?: ReplicationMode;
  /** @default "correct" */
  variant?: LeaderFollowerVariant;
  /** Epoch recovered from stable storage. @default 0 */
  epoch?: number;
  /** Log recovered from stable storage. @default [] */
  log?: readonly ReplicaLogEntry[];
}

interface PendingWrite {
  client: NodeId;
  requestId: number;
  index: number;
}

/**
 * One replica of a leader-follower cluster.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReplicaNode } from "./leader_follower_node.ts";
 * const leader = new ReplicaNode({ id: "n1", peers: ["n2"], mode: "sync" });
 * leader.step("manager", { type: "Promote", epoch: 1 });
 * leader.ready();
 * leader.step("c1", { type: "ClientWrite", requestId: 1, key: "x", value: 7 });
 * const out = leader.ready();
 * // Synchronous: the write goes to the follower and the client waits for its ack.
 * assert.deepEqual(out.messages.map((m) => m.msg.type), ["Replicate"]);
 * leader.step("n2", { type: "ReplicateAck", epoch: 1, matchIndex: 1, ok: true });
 * assert.equal(leader.ready().messages[0].msg.type, "ClientWriteReply");
 * ```
 */
export class ReplicaNode {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly mode: ReplicationMode;
  readonly variant: LeaderFollowerVariant;

  #role: LeaderFollowerRole = "follower";
  #epoch: number;
  #leader: NodeId | null = null;
  #log: ReplicaLogEntry[];
  /** Whether this follower took the current epoch's leader's full log (see module docs). */
  #synced = false;
  #matchIndex = new Map<NodeId, number>();
  /** Followers a new leader has not yet sent its full log to. */
  #needsFull = new Set<NodeId>();
  #pending: PendingWrite[] = [];
  #ready: ReplicaReady = { messages: [], persist: false, changes: [] };

  constructor(options: ReplicaNodeOptions) {
    const mode = options.mode ?? "async";
    if (!REPLICATION_MODES.includes(mode)) {
      throw new RangeError(
        `ReplicaNode option mode must be one of ${REPLICATION_MODES.join(", ")}, got ${mode}`,
      );
    }
    const variant = options.variant ?? "correct";
    if (!LEADER_FOLLOWER_VARIANTS.includes(variant)) {
      throw new RangeError(
        `ReplicaNode option variant must be one of ${
          LEADER_FOLLOWER_VARIANTS.join(", ")
        }, got ${variant}`,
      );
    }
    if (options.peers.includes(options.id)) {
      throw new RangeError(`ReplicaNode peers must not include the node itself (${options.id})`);
    }
    this.id = options.id;
    this.peers = [...options.peers];
    this.mode = mode;
    this.variant = variant;
    this.#epoch = options.epoch ?? 0;
    this.#log = [...(options.log ?? [])];
  }

  get role(): LeaderFollowerRole {
    return this.#role;
  }
  get epoch(): number {
    return this.#epoch;
  }
  get leader(): NodeId | null {
    return this.#leader;
  }
  get lastIndex(): number {
    return this.#log.length;
  }
  /** A copy of the log, index 1 first. */
  entries(): ReplicaLogEntry[] {
    return this.#log.slice();
  }

  /** The newest value of `key` this replica holds, with its version (null when none). */
  lookup(key: string): { value: number | null; version: ReplicaVersion | null } {
    for (let i = this.#log.length - 1; i >= 0; i--) {
      const entry = this.#log[i];
      if (entry.key === key) return { value: entry.value, version: logVersion(entry.epoch, i + 1) };
    }
    return { value: null, version: null };
  }

  /** Drains the pending output. Call after every entry point. */
  ready(): ReplicaReady {
    const out = this.#ready;
    this.#ready = { messages: [], persist: false, changes: [] };
    return out;
  }

  /** Handles one message; the exhaustive switch is the whole protocol surface. */
  step(from: NodeId, msg: LeaderFollowerMessage): void {
    switch (msg.type) {
      case "ClientWrite":
        return this.#handleClientWrite(from, msg);
      case "ClientRead":
        return this.#send(from, {
          type: "ClientReadReply",
          requestId: msg.requestId,
          ...this.lookup(msg.key),
        });
      case "Replicate":
        return this.#handleReplicate(from, msg);
      case "ReplicateAck":
        return this.#handleReplicateAck(from, msg);
      case "Status":
        return this.#send(from, {
          type: "StatusReply",
          probe: msg.probe,
          epoch: this.#epoch,
          role: this.#role,
          lastIndex: this.#log.length,
          lastEpoch: this.#log.at(-1)?.epoch ?? 0,
        });
      case "Promote":
        return this.#becomeLeader(msg.epoch);
      case "NewLeader":
        return this.#handleNewLeader(msg.epoch, msg.leader);
      case "ClientWriteReply":
      case "ClientReadReply":
      case "StatusReply":
        return; // Replies meant for clients and the manager; a replica ignores strays.
      default: {
        const never: never = msg;
        throw new TypeError(`ReplicaNode cannot handle message ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The periodic tick: a leader resends what each follower lacks (this doubles as its
   * heartbeat and repairs lost messages).
   */
  tick(): void {
    if (this.#role !== "leader") return;
    for (const peer of this.peers) this.#replicateTo(peer);
  }

  #send(to: NodeId, msg: LeaderFollowerMessage): void {
    this.#ready.messages.push({ to, msg });
  }

  // Fencing (correct variant): a promotion must carry a newer epoch than any this replica
  // has seen, so two leaders can never share one. The seed-style variant accepts any.
  #becomeLeader(epoch: number): void {
    if (this.variant === "correct" && epoch <= this.#epoch) return;
    this.#setEpoch(epoch);
    this.#role = "leader";
    this.#leader = this.id;
    this.#matchIndex = new Map(this.peers.map((p) => [p, 0]));
    this.#needsFull = new Set(this.peers);
    this.#ready.changes.push(["role", "leader"]);
    for (const peer of this.peers) this.#replicateTo(peer);
  }

  #handleNewLeader(epoch: number, leader: NodeId): void {
    if (leader === this.id) return;
    if (this.variant === "correct" && epoch <= this.#epoch) return;
    if (epoch > this.#epoch) this.#setEpoch(epoch);
    this.#stepDown(leader);
  }

  #setEpoch(epoch: number): void {
    if (epoch !== this.#epoch) {
      this.#epoch = epoch;
      this.#ready.persist = true;
      this.#ready.changes.push(["epoch", epoch]);
    }
    this.#synced = false;
  }

  #stepDown(leader: NodeId | null): void {
    this.#leader = leader;
    if (this.#role === "follower") return;
    this.#role = "follower";
    this.#ready.changes.push(["role", "follower"]);
    // The deposed leader cannot know whether its unacknowledged writes survive the new
    // leader's log, so it answers "unknown", never "failed".
    for (const write of this.#pending) this.#replyWrite(write, "unknown");
    this.#pending = [];
  }

  #handleClientWrite(
    client: NodeId,
    msg: { requestId: number; key: string; value: number },
  ): void {
    if (this.#role !== "leader") {
      this.#send(client, {
        type: "ClientWriteReply",
        requestId: msg.requestId,
        outcome: "redirect",
        leader: this.#leader,
      });
      return;
    }
    this.#log.push({ epoch: this.#epoch, key: msg.key, value: msg.value });
    this.#ready.persist = true;
    const write = { client, requestId: msg.requestId, index: this.#log.length };
    this.#ready.changes.push(["accept", {
      epoch: this.#epoch,
      index: write.index,
      value: msg.value,
    }]);
    for (const peer of this.peers) this.#replicateTo(peer);
    if (this.#acknowledged(write.index)) this.#replyWrite(write, "ok");
    else this.#pending.push(write);
  }

  #replyWrite(write: PendingWrite, outcome: "ok" | "unknown"): void {
    const entry = this.#log[write.index - 1];
    // Only the unfenced variant can lose its own log under a pending write (another
    // "leader" of the same epoch overwrote it); the write's fate is then unknown.
    if (entry === undefined) outcome = "unknown";
    this.#send(write.client, {
      type: "ClientWriteReply",
      requestId: write.requestId,
      outcome,
      leader: this.#leader,
      ...(outcome === "ok" && entry ? { version: logVersion(entry.epoch, write.index) } : {}),
    });
  }

  // DDIA ch. 5: synchronous waits for every follower, semi-synchronous for one, asynchronous
  // for none — the whole difference between the modes is this count.
  #acknowledged(index: number): boolean {
    const needed = this.mode === "sync"
      ? this.peers.length
      : this.mode === "semi-sync"
      ? Math.min(1, this.peers.length)
      : 0;
    let holding = 0;
    for (const match of this.#matchIndex.values()) if (match >= index) holding++;
    return holding >= needed;
  }

  #replicateTo(peer: NodeId): void {
    const full = this.#needsFull.has(peer);
    const fromIndex = full ? 1 : (this.#matchIndex.get(peer) ?? 0) + 1;
    if (!full && fromIndex > this.#log.length + 1) return;
    this.#send(peer, {
      type: "Replicate",
      epoch: this.#epoch,
      fromIndex,
      entries: this.#log.slice(fromIndex - 1),
    });
  }

  #handleReplicate(
    from: NodeId,
    msg: { epoch: number; fromIndex: number; entries: ReplicaLogEntry[] },
  ): void {
    if (this.variant === "correct") {
      // Fencing: entries from a deposed leader are refused, and it learns the newer epoch.
      if (msg.epoch < this.#epoch || (msg.epoch === this.#epoch && this.#role === "leader")) {
        this.#send(from, { type: "ReplicateAck", epoch: this.#epoch, matchIndex: 0, ok: false });
        return;
      }
      if (msg.epoch > this.#epoch) this.#setEpoch(msg.epoch);
      this.#stepDown(from);
    } else {
      this.#leader = from;
      if (msg.epoch > this.#epoch) this.#setEpoch(msg.epoch);
    }
    // Until a follower has the current leader's whole log, its own suffix may hold writes
    // that leader never had; it accepts only the full log (fromIndex 1) to stay a prefix.
    if (msg.fromIndex === 1) this.#synced = true;
    if (!this.#synced || msg.fromIndex > this.#log.length + 1) {
      this.#send(from, { type: "ReplicateAck", epoch: this.#epoch, matchIndex: 0, ok: false });
      return;
    }
    const before = this.#log.length;
    this.#log.length = msg.fromIndex - 1;
    this.#log.push(...msg.entries);
    if (this.#log.length !== before || msg.entries.length > 0) this.#ready.persist = true;
    this.#send(from, {
      type: "ReplicateAck",
      epoch: this.#epoch,
      matchIndex: this.#log.length,
      ok: true,
    });
  }

  #handleReplicateAck(
    from: NodeId,
    msg: { epoch: number; matchIndex: number; ok: boolean },
  ): void {
    if (this.#role !== "leader") return;
    if (msg.epoch > this.#epoch && this.variant === "correct") {
      this.#setEpoch(msg.epoch);
      this.#stepDown(null);
      return;
    }
    if (msg.epoch !== this.#epoch) return;
    if (!msg.ok) {
      // The follower has not taken our full log yet (or had a gap): start it over.
      this.#needsFull.add(from);
      this.#matchIndex.set(from, 0);
      return;
    }
    this.#needsFull.delete(from);
    this.#matchIndex.set(from, Math.max(this.#matchIndex.get(from) ?? 0, msg.matchIndex));
    const still: PendingWrite[] = [];
    for (const write of this.#pending) {
      if (this.#acknowledged(write.index)) this.#replyWrite(write, "ok");
      else still.push(write);
    }
    this.#pending = still;
  }
}
