/**
 * A partitioned, replicated, append-only log in Kafka's model, as a pure state machine: topics
 * split into partitions, each an offset-addressed log held by `replicas` replicas of which one
 * leads; producers with `acks` 0, 1 or `all` and an idempotent mode; one consumer group per
 * group name with the range assignor, generations, committed offsets and session timeouts;
 * retention by record count.
 *
 * Source: Kreps, Narkhede and Rao, "Kafka: a Distributed Messaging System for Log Processing"
 * (NetDB 2011) §3; the replication protocol (ISR, high watermark) and idempotent producer as in
 * KIP-98 and the Apache Kafka documentation §4.7–4.8 (design: replication, "Message delivery
 * semantics"). Guarantees: a record acknowledged with `acks: "all"` survives the failure of any
 * replica while one in-sync replica remains; consumers read only below the high watermark, so
 * they never see a record a leader failover may discard; a commit from an older group
 * generation is rejected (fencing a zombie). Ordering holds within a partition only.
 * Non-goals: transactions across partitions, log compaction, unclean leader election, several
 * topics (one topic; the group name selects the consumer group).
 *
 * @module
 */

import { hashLabel } from "../sim/mod.ts";
import type { NodeId } from "../sim/mod.ts";
import type {
  Broker,
  MessagingDelivery,
  MessagingMessage,
  MessagingOutgoing,
  MessagingRecord,
  Poll,
  Publish,
  Settle,
} from "./types.ts";
import { checkMessagingOption } from "./types.ts";

/** How the producer picks a partition: by key (per-key order) or round-robin by id (none). */
export type LogPartitioner = "key" | "round-robin";

/** Options of {@linkcode PartitionedLog}. */
export interface PartitionedLogOptions {
  /** Partitions of the topic. @default 3 */
  partitions?: number;
  /** Replicas per partition (the replication factor). @default 3 */
  replicas?: number;
  /** When a publish is acknowledged: never (0), on the leader's append (1), or once every in-sync replica has it ("all"). @default "all" */
  acks?: 0 | 1 | "all";
  /** Deduplicate retried publishes by (producerId, seq) (KIP-98). @default false */
  idempotent?: boolean;
  /** How records map to partitions. @default "key" */
  partitioner?: LogPartitioner;
  /** A member that has not polled for this long leaves the group (a rebalance). @default 300 */
  sessionTimeoutMs?: number;
  /** Keep at most this many records per partition; 0 keeps everything. @default 0 */
  retentionRecords?: number;
}

interface StoredRecord {
  readonly record: MessagingRecord;
  readonly producerId: string;
  readonly seq: number;
}

interface PartitionState {
  /** One log per replica; entry i has offset logStart + i. */
  logs: StoredRecord[][];
  leader: number;
  isr: number[];
  logStart: number;
  highWatermark: number;
  /** Publishes waiting for `acks: "all"`: acknowledged once the high watermark passes them. */
  waiting: { offset: number; producer: NodeId; seq: number }[];
}

interface GroupState {
  generation: number;
  members: Map<NodeId, number>; // member -> last poll time
  assignment: Map<NodeId, number[]>;
  committed: number[];
  /** Next offset to hand out per partition in this generation (reset to committed on rebalance). */
  positions: number[];
}

/** One rebalance, for charts: who owned which partitions from which time. */
export interface RebalanceEvent {
  readonly atMs: number;
  readonly group: string;
  readonly generation: number;
  readonly reason: "join" | "session-timeout";
  readonly member: NodeId;
  readonly assignment: Readonly<Record<NodeId, readonly number[]>>;
}

/**
 * The range assignor (Kafka's default before 2.4): members sorted by id, each takes a
 * contiguous run of partitions, the first `partitions % members` one extra.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangeAssignment } from "./log.ts";
 * assert.deepEqual(rangeAssignment(["c2", "c1"], 5), { c1: [0, 1, 2], c2: [3, 4] });
 * ```
 */
export function rangeAssignment(
  members: readonly NodeId[],
  partitions: number,
): Record<NodeId, number[]> {
  const sorted = [...members].sort();
  const result: Record<NodeId, number[]> = {};
  const base = Math.floor(partitions / Math.max(1, sorted.length));
  const extra = partitions % Math.max(1, sorted.length);
  let next = 0;
  sorted.forEach((member, i) => {
    const count = base + (i < extra ? 1 : 0);
    result[member] = Array.from({ length: count }, (_, k) => next + k);
    next += count;
  });
  return result;
}

/**
 * A partitioned log broker (one topic, leader and followers modelled inside).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PartitionedLog } from "./log.ts";
 * const log = new PartitionedLog({ partitions: 1, replicas: 2, acks: "all" });
 * const record = { id: 1, key: "a", value: 10 };
 * // acks=all: nothing is acknowledged until the follower has the record (next tick).
 * assert.deepEqual(log.step("p", { type: "Publish", producerId: "p", seq: 1, record }, 0), []);
 * assert.deepEqual(log.tick(10), [{ to: "p", msg: { type: "PublishAck", seq: 1 } }]);
 * const [out] = log.step("c1", { type: "Poll", group: "g", max: 10, join: true }, 11);
 * assert.equal(out.msg.type === "Deliver" && out.msg.deliveries[0].record.id, 1);
 * ```
 */
export class PartitionedLog implements Broker {
  readonly system = "log" as const;
  readonly partitions: number;
  readonly replicas: number;
  readonly acks: 0 | 1 | "all";
  readonly idempotent: boolean;
  readonly partitioner: LogPartitioner;
  readonly sessionTimeoutMs: number;
  readonly retentionRecords: number;
  /** Every rebalance so far, oldest first. */
  readonly rebalances: RebalanceEvent[] = [];
  /** Records a failover discarded (appended to a leader, never replicated). */
  discarded = 0;
  /** Records retention deleted before the group had committed past them. */
  expiredUnread = 0;
  #parts: PartitionState[];
  /** Idempotent mode: sequence numbers a failover discarded, per "producer/partition". */
  #gaps = new Map<string, number[]>();
  #groups = new Map<string, GroupState>();

  constructor(options: PartitionedLogOptions = {}) {
    const where = "PartitionedLog";
    this.partitions = options.partitions ?? 3;
    this.replicas = options.replicas ?? 3;
    this.acks = options.acks ?? "all";
    this.idempotent = options.idempotent ?? false;
    this.partitioner = options.partitioner ?? "key";
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 300;
    this.retentionRecords = options.retentionRecords ?? 0;
    checkMessagingOption(where, "partitions", this.partitions, 1, 64);
    checkMessagingOption(where, "replicas", this.replicas, 1, 9);
    checkMessagingOption(where, "sessionTimeoutMs", this.sessionTimeoutMs, 1);
    checkMessagingOption(where, "retentionRecords", this.retentionRecords, 0);
    if (this.acks !== 0 && this.acks !== 1 && this.acks !== "all") {
      throw new RangeError(`${where}: option acks must be 0, 1 or "all", got ${this.acks}`);
    }
    if (this.partitioner !== "key" && this.partitioner !== "round-robin") {
      throw new RangeError(
        `${where}: option partitioner must be "key" or "round-robin", got ${this.partitioner}`,
      );
    }
    this.#parts = Array.from({ length: this.partitions }, () => ({
      logs: Array.from({ length: this.replicas }, () => []),
      leader: 0,
      isr: Array.from({ length: this.replicas }, (_, i) => i),
      logStart: 0,
      highWatermark: 0,
      waiting: [],
    }));
  }

  /** The partition a record goes to. */
  partitionOf(record: MessagingRecord): number {
    return this.partitioner === "key"
      ? hashLabel(record.key) % this.partitions
      : record.id % this.partitions;
  }

  /** The partition's high watermark (records below it are committed and readable). */
  highWatermark(partition: number): number {
    return this.#parts[partition].highWatermark;
  }

  /** The committed offset of a group on a partition (0 when nothing was committed). */
  committed(group: string, partition: number): number {
    return this.#groups.get(group)?.committed[partition] ?? 0;
  }

  /** The group's current assignment, member → partitions. */
  assignment(group: string): Record<NodeId, number[]> {
    return Object.fromEntries(this.#groups.get(group)?.assignment ?? []);
  }

  /** Ids of the records in the leader's log of `partition`, in offset order. */
  leaderRecords(partition: number): number[] {
    const part = this.#parts[partition];
    return part.logs[part.leader].map((s) => s.record.id);
  }

  step(from: NodeId, msg: MessagingMessage, nowMs: number): MessagingOutgoing[] {
    switch (msg.type) {
      case "Publish":
        return this.#publish(from, msg);
      case "Poll":
        return this.#poll(from, msg, nowMs);
      case "Settle":
        this.#commit(from, msg);
        return [];
      case "Nack":
        // Kafka has no per-record negative acknowledgement: a consumer seeks back instead.
        return [];
      case "PublishAck":
      case "Deliver":
        return [];
      default: {
        const unknown: never = msg;
        throw new RangeError(`PartitionedLog: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  tick(nowMs: number): MessagingOutgoing[] {
    for (const [name, group] of this.#groups) {
      const expired = [...group.members].filter(([, last]) => nowMs - last > this.sessionTimeoutMs);
      for (const [member] of expired) {
        group.members.delete(member);
        this.#rebalance(name, group, nowMs, "session-timeout", member);
      }
    }
    return this.#replicate();
  }

  /**
   * The partition leader's broker crashes and restarts at once: the first other in-sync replica
   * leads, and every replica truncates to its log. What the old leader had not replicated is
   * gone (Kafka documentation §4.8: only committed messages survive a leader change).
   */
  failLeader(partition: number): void {
    const part = this.#parts[partition];
    const others = part.isr.filter((r) => r !== part.leader);
    if (others.length === 0) return; // a single replica restarts with its own log intact
    const newLeader = others[0];
    const kept = part.logs[newLeader].length;
    this.discarded += Math.max(0, part.logs[part.leader].length - kept);
    if (this.idempotent) {
      for (const lost of part.logs[part.leader].slice(kept)) {
        const gap = `${lost.producerId}/${partition}`;
        this.#gaps.set(gap, [...(this.#gaps.get(gap) ?? []), lost.seq].sort((a, b) => a - b));
      }
    }
    part.leader = newLeader;
    const truth = part.logs[newLeader];
    part.logs = part.logs.map(() => [...truth]);
    part.highWatermark = Math.min(part.highWatermark, part.logStart + kept);
    part.waiting = part.waiting.filter((w) => w.offset < part.logStart + kept);
  }

  #publish(from: NodeId, msg: Publish): MessagingOutgoing[] {
    const partition = this.partitionOf(msg.record);
    const part = this.#parts[partition];
    const leaderLog = part.logs[part.leader];
    const ack: MessagingOutgoing[] = this.acks === 0
      ? []
      : [{ to: from, msg: { type: "PublishAck", seq: msg.seq } }];
    if (this.idempotent) {
      // KIP-98: the leader keeps the producer's sequence numbers with the log, so a retry of an
      // appended batch is acknowledged without appending it again, also after a failover.
      const index = leaderLog.findIndex((s) =>
        s.producerId === msg.producerId && s.seq === msg.seq
      );
      if (index >= 0) {
        const offset = part.logStart + index;
        if (this.acks === "all" && offset >= part.highWatermark) {
          part.waiting.push({ offset, producer: from, seq: msg.seq });
          return [];
        }
        return ack;
      }
    }
    if (this.idempotent) {
      // KIP-98 keeps order too: after a failover lost sequence numbers, the leader refuses the
      // producer's later ones (OutOfOrderSequence) until the lost ones are sent again, in order.
      const gap = `${msg.producerId}/${partition}`;
      const missing = this.#gaps.get(gap) ?? [];
      if (missing.length > 0 && msg.seq > missing[0]) {
        // Refused now, so it too must wait its turn: later sequence numbers queue behind it.
        if (!missing.includes(msg.seq)) {
          this.#gaps.set(gap, [...missing, msg.seq].sort((a, b) => a - b));
        }
        return [];
      }
      if (msg.seq === missing[0]) {
        if (missing.length === 1) this.#gaps.delete(gap);
        else this.#gaps.set(gap, missing.slice(1));
      }
    }
    leaderLog.push({ record: msg.record, producerId: msg.producerId, seq: msg.seq });
    if (part.isr.length === 1) part.highWatermark = part.logStart + leaderLog.length;
    this.#retain(partition);
    if (this.acks === "all" && part.isr.length > 1) {
      part.waiting.push({
        offset: part.logStart + leaderLog.length - 1,
        producer: from,
        seq: msg.seq,
      });
      return [];
    }
    return ack;
  }

  // Followers fetch from the leader once per tick; the high watermark is the smallest log end
  // among the in-sync replicas (Kafka §4.8), and acks=all publishes below it are answered.
  #replicate(): MessagingOutgoing[] {
    const out: MessagingOutgoing[] = [];
    for (const part of this.#parts) {
      const leaderLog = part.logs[part.leader];
      for (const r of part.isr) if (r !== part.leader) part.logs[r] = [...leaderLog];
      part.highWatermark = part.logStart + Math.min(...part.isr.map((r) => part.logs[r].length));
      const ready = part.waiting.filter((w) => w.offset < part.highWatermark);
      part.waiting = part.waiting.filter((w) => w.offset >= part.highWatermark);
      for (const w of ready) out.push({ to: w.producer, msg: { type: "PublishAck", seq: w.seq } });
    }
    return out;
  }

  #retain(partition: number): void {
    if (this.retentionRecords === 0) return;
    const part = this.#parts[partition];
    const excess = part.logs[part.leader].length - this.retentionRecords;
    if (excess <= 0) return;
    part.logs = part.logs.map((log) => log.slice(excess));
    part.logStart += excess;
    for (const group of this.#groups.values()) {
      // auto.offset.reset=earliest: a group behind the log start skips what was deleted.
      if (group.committed[partition] < part.logStart) {
        this.expiredUnread += part.logStart - group.committed[partition];
        group.committed[partition] = part.logStart;
      }
      group.positions[partition] = Math.max(group.positions[partition], part.logStart);
    }
  }

  #group(name: string): GroupState {
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = {
        generation: 0,
        members: new Map(),
        assignment: new Map(),
        committed: Array(this.partitions).fill(0),
        positions: Array(this.partitions).fill(0),
      };
      this.#groups.set(name, group);
    }
    return group;
  }

  // A rebalance revokes every partition and hands them out again from the committed offsets:
  // whatever a member had fetched but not committed is delivered again (at-least-once).
  #rebalance(
    name: string,
    group: GroupState,
    nowMs: number,
    reason: RebalanceEvent["reason"],
    member: NodeId,
  ): void {
    group.generation++;
    const assignment = rangeAssignment([...group.members.keys()], this.partitions);
    group.assignment = new Map(Object.entries(assignment));
    group.positions = [...group.committed];
    this.rebalances.push({
      atMs: nowMs,
      group: name,
      generation: group.generation,
      reason,
      member,
      assignment,
    });
  }

  #poll(from: NodeId, msg: Poll, nowMs: number): MessagingOutgoing[] {
    const group = this.#group(msg.group);
    const known = group.members.has(from);
    group.members.set(from, nowMs);
    if (msg.join || !known) this.#rebalance(msg.group, group, nowMs, "join", from);
    const partitions = group.assignment.get(from) ?? [];
    const deliveries: MessagingDelivery[] = [];
    for (const p of partitions) {
      const part = this.#parts[p];
      const log = part.logs[part.leader];
      while (deliveries.length < msg.max && group.positions[p] < part.highWatermark) {
        const offset = group.positions[p]++;
        const stored = log[offset - part.logStart];
        deliveries.push({
          record: stored.record,
          ref: { kind: "offset", partition: p, offset },
          deliveryCount: 1,
        });
      }
    }
    return [{
      to: from,
      msg: { type: "Deliver", generation: group.generation, partitions, deliveries },
    }];
  }

  // Kafka fences commits from a stale generation (CommitFailedException): the partition may
  // already belong to another member.
  #commit(from: NodeId, msg: Settle): void {
    if (msg.ref.kind !== "offset") return;
    const group = this.#groups.get(msg.group);
    if (group === undefined || msg.generation !== group.generation) return;
    if (!(group.assignment.get(from) ?? []).includes(msg.ref.partition)) return;
    group.committed[msg.ref.partition] = msg.ref.offset + 1;
  }
}
