/**
 * A persistent stream with consumer acknowledgements, in the model shared by NATS JetStream and
 * Redis Streams: publishes are stored and acknowledged (with a de-duplication window keyed by
 * the message id, JetStream's `Nats-Msg-Id`), a durable consumer (a Redis consumer group)
 * hands out entries in order, keeps a pending entries list, and redelivers an entry not acked
 * within `ackWaitMs` (Redis: `XAUTOCLAIM` of idle pending entries), up to `maxDeliver` times.
 *
 * Source: the NATS JetStream documentation ("Consumers": AckExplicit, AckWait, MaxDeliver;
 * "Message Deduplication") and Redis `XREADGROUP`/`XACK`/`XAUTOCLAIM`. Guarantees: with
 * explicit acks every stored entry is delivered until acked or out of tries (at-least-once);
 * with `ackPolicy: "none"` an entry counts as done when sent (at-most-once). Non-goals:
 * several streams, replicas (R=1: the stream is durable and does not fail here).
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";
import type {
  Broker,
  MessagingDelivery,
  MessagingMessage,
  MessagingOutgoing,
  MessagingRecord,
} from "./types.ts";
import { checkMessagingOption } from "./types.ts";

/** Options of {@linkcode AckStream}. */
export interface AckStreamOptions {
  /** "explicit": entries wait for an ack; "none": done once sent. @default "explicit" */
  ackPolicy?: "explicit" | "none";
  /** Redeliver an entry not acknowledged within this long. @default 200 */
  ackWaitMs?: number;
  /** Stop delivering an entry after this many deliveries (it is reported as dead). @default 5 */
  maxDeliver?: number;
  /** Drop a publish whose (producer, seq) was already stored (JetStream's duplicate window). @default false */
  deduplicate?: boolean;
}

interface Pending {
  consumer: NodeId;
  atMs: number;
  count: number;
}

/**
 * A stream with one durable, explicitly acknowledged consumer per group name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AckStream } from "./stream.ts";
 * const stream = new AckStream({ ackWaitMs: 50 });
 * stream.step("p", { type: "Publish", producerId: "p", seq: 1, record: { id: 1, key: "a", value: 1 } }, 0);
 * stream.step("c1", { type: "Poll", group: "g", max: 5, join: true }, 1);
 * // Not acked within ackWait: the same entry goes out again, to whoever asks next.
 * const [out] = stream.step("c2", { type: "Poll", group: "g", max: 5, join: true }, 60);
 * assert.equal(out.msg.type === "Deliver" && out.msg.deliveries[0].deliveryCount, 2);
 * ```
 */
export class AckStream implements Broker {
  readonly system = "stream" as const;
  readonly ackPolicy: "explicit" | "none";
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly deduplicate: boolean;
  /** Entries that ran out of deliveries, oldest first. */
  readonly dead: MessagingRecord[] = [];
  #entries: MessagingRecord[] = [];
  #seen = new Set<string>();
  #groups = new Map<string, { next: number; pending: Map<number, Pending> }>();

  constructor(options: AckStreamOptions = {}) {
    const where = "AckStream";
    this.ackPolicy = options.ackPolicy ?? "explicit";
    this.ackWaitMs = options.ackWaitMs ?? 200;
    this.maxDeliver = options.maxDeliver ?? 5;
    this.deduplicate = options.deduplicate ?? false;
    if (this.ackPolicy !== "explicit" && this.ackPolicy !== "none") {
      throw new RangeError(
        `${where}: option ackPolicy must be "explicit" or "none", got ${this.ackPolicy}`,
      );
    }
    checkMessagingOption(where, "ackWaitMs", this.ackWaitMs, 1);
    checkMessagingOption(where, "maxDeliver", this.maxDeliver, 1);
  }

  /** Entries stored. */
  get length(): number {
    return this.#entries.length;
  }

  step(from: NodeId, msg: MessagingMessage, nowMs: number): MessagingOutgoing[] {
    switch (msg.type) {
      case "Publish": {
        const id = `${msg.producerId}/${msg.seq}`;
        if (!(this.deduplicate && this.#seen.has(id))) this.#entries.push(msg.record);
        this.#seen.add(id);
        return [{ to: from, msg: { type: "PublishAck", seq: msg.seq } }];
      }
      case "Poll":
        return this.#deliver(from, msg.group, msg.max, nowMs);
      case "Settle": {
        if (msg.ref.kind !== "entry") return [];
        this.#groups.get(msg.group)?.pending.delete(msg.ref.entry);
        return [];
      }
      case "Nack": {
        if (msg.ref.kind !== "entry") return [];
        const pending = this.#groups.get(msg.group)?.pending.get(msg.ref.entry);
        if (pending !== undefined) pending.atMs = -Infinity; // redeliver at the next poll
        return [];
      }
      case "PublishAck":
      case "Deliver":
        return [];
      default: {
        const unknown: never = msg;
        throw new RangeError(`AckStream: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  tick(_nowMs: number): MessagingOutgoing[] {
    return [];
  }

  #deliver(consumer: NodeId, name: string, max: number, nowMs: number): MessagingOutgoing[] {
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = { next: 0, pending: new Map() };
      this.#groups.set(name, group);
    }
    const deliveries: MessagingDelivery[] = [];
    let held = 0;
    for (const p of group.pending.values()) {
      if (p.consumer === consumer && nowMs - p.atMs < this.ackWaitMs) held++;
    }
    // Idle pending entries first (oldest entry first), as XAUTOCLAIM does.
    for (const [entry, p] of [...group.pending].sort(([a], [b]) => a - b)) {
      if (held + deliveries.length >= max) break;
      if (nowMs - p.atMs < this.ackWaitMs) continue;
      if (p.count >= this.maxDeliver) {
        group.pending.delete(entry);
        this.dead.push(this.#entries[entry]);
        continue;
      }
      p.consumer = consumer;
      p.atMs = nowMs;
      p.count++;
      deliveries.push({
        record: this.#entries[entry],
        ref: { kind: "entry", entry },
        deliveryCount: p.count,
      });
    }
    while (held + deliveries.length < max && group.next < this.#entries.length) {
      const entry = group.next++;
      if (this.ackPolicy === "explicit") {
        group.pending.set(entry, { consumer, atMs: nowMs, count: 1 });
      }
      deliveries.push({
        record: this.#entries[entry],
        ref: { kind: "entry", entry },
        deliveryCount: 1,
      });
    }
    return [{ to: consumer, msg: { type: "Deliver", generation: 0, partitions: [], deliveries } }];
  }
}
