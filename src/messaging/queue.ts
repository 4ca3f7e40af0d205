/**
 * A work queue in RabbitMQ's model, as a pure state machine: competing consumers, manual
 * acknowledgements or auto-ack, a prefetch limit per consumer, redelivery when a consumer's
 * connection is lost or (SQS-style) when a delivery stays unacknowledged past a visibility
 * timeout, negative acknowledgements with requeue, and a dead-letter queue after a delivery
 * limit.
 *
 * Source: the AMQP 0-9-1 model and RabbitMQ's documentation ("Consumer Acknowledgements and
 * Publisher Confirms", "Dead Letter Exchanges", quorum queues' delivery-limit); the visibility
 * timeout is Amazon SQS's. Guarantees with manual acks: a message leaves the queue only when
 * acknowledged, so a consumer crash means redelivery (at-least-once); with auto-ack it leaves
 * on delivery (at-most-once). Competing consumers give no order across messages (a requeued
 * message jumps ahead of nothing it was behind, but others overtake it). Non-goals: exchanges
 * and routing keys (one queue), priorities, broker crashes (queues are durable here).
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

/** Options of {@linkcode WorkQueue}. */
export interface WorkQueueOptions {
  /** Remove a message as soon as it is delivered (at-most-once). @default false */
  autoAck?: boolean;
  /** Answer publishes with a confirm once stored (publisher confirms). @default true */
  publisherConfirms?: boolean;
  /** A consumer silent for this long has lost its connection: its unacked messages are requeued. @default 300 */
  consumerTimeoutMs?: number;
  /** Requeue a delivery unacknowledged for this long even if its consumer lives (SQS visibility timeout); 0 = never. @default 0 */
  visibilityTimeoutMs?: number;
  /** After this many deliveries a rejected or timed-out message goes to the dead-letter queue. @default 5 */
  maxDeliveries?: number;
}

interface Unacked {
  readonly record: MessagingRecord;
  readonly consumer: NodeId;
  readonly atMs: number;
  readonly deliveryCount: number;
}

/**
 * A durable work queue with manual acknowledgements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkQueue } from "./queue.ts";
 * const queue = new WorkQueue({ consumerTimeoutMs: 100 });
 * queue.step("p", { type: "Publish", producerId: "p", seq: 1, record: { id: 1, key: "a", value: 1 } }, 0);
 * queue.step("c1", { type: "Poll", group: "q", max: 1, join: true }, 1);
 * // c1 dies without acking: its message is redelivered to c2, marked as a redelivery.
 * queue.tick(200);
 * const [out] = queue.step("c2", { type: "Poll", group: "q", max: 1, join: true }, 201);
 * assert.equal(out.msg.type === "Deliver" && out.msg.deliveries[0].deliveryCount, 2);
 * ```
 */
export class WorkQueue implements Broker {
  readonly system = "queue" as const;
  readonly autoAck: boolean;
  readonly publisherConfirms: boolean;
  readonly consumerTimeoutMs: number;
  readonly visibilityTimeoutMs: number;
  readonly maxDeliveries: number;
  /** Messages dead-lettered, oldest first. */
  readonly deadLetters: MessagingRecord[] = [];
  /** Redeliveries made so far (a message handed out again). */
  redeliveries = 0;
  #ready: { record: MessagingRecord; deliveryCount: number }[] = [];
  #unacked = new Map<number, Unacked>();
  #consumers = new Map<NodeId, number>();
  #nextTag = 1;

  constructor(options: WorkQueueOptions = {}) {
    const where = "WorkQueue";
    this.autoAck = options.autoAck ?? false;
    this.publisherConfirms = options.publisherConfirms ?? true;
    this.consumerTimeoutMs = options.consumerTimeoutMs ?? 300;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 0;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    checkMessagingOption(where, "consumerTimeoutMs", this.consumerTimeoutMs, 1);
    checkMessagingOption(where, "visibilityTimeoutMs", this.visibilityTimeoutMs, 0);
    checkMessagingOption(where, "maxDeliveries", this.maxDeliveries, 1);
  }

  /** Messages waiting for a consumer. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Messages delivered and not yet acknowledged. */
  get unacked(): number {
    return this.#unacked.size;
  }

  step(from: NodeId, msg: MessagingMessage, nowMs: number): MessagingOutgoing[] {
    switch (msg.type) {
      case "Publish":
        this.#ready.push({ record: msg.record, deliveryCount: 0 });
        return this.publisherConfirms
          ? [{ to: from, msg: { type: "PublishAck", seq: msg.seq } }]
          : [];
      case "Poll": {
        if (msg.join) this.#dropConsumer(from); // a new channel: the old one's deliveries return
        this.#consumers.set(from, nowMs);
        return this.#deliver(from, msg.max, nowMs);
      }
      case "Settle": {
        if (msg.ref.kind !== "tag") return [];
        const entry = this.#unacked.get(msg.ref.tag);
        // An ack on a channel that is gone is refused (AMQP: unknown delivery tag).
        if (entry !== undefined && entry.consumer === from) this.#unacked.delete(msg.ref.tag);
        return [];
      }
      case "Nack": {
        if (msg.ref.kind !== "tag") return [];
        const entry = this.#unacked.get(msg.ref.tag);
        if (entry === undefined || entry.consumer !== from) return [];
        this.#unacked.delete(msg.ref.tag);
        this.#requeue([entry], msg.requeue);
        return [];
      }
      case "PublishAck":
      case "Deliver":
        return [];
      default: {
        const unknown: never = msg;
        throw new RangeError(`WorkQueue: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  tick(nowMs: number): MessagingOutgoing[] {
    for (const [consumer, last] of [...this.#consumers]) {
      if (nowMs - last > this.consumerTimeoutMs) this.#dropConsumer(consumer);
    }
    if (this.visibilityTimeoutMs > 0) {
      const expired = [...this.#unacked].filter(([, u]) =>
        nowMs - u.atMs >= this.visibilityTimeoutMs
      );
      for (const [tag] of expired) this.#unacked.delete(tag);
      this.#requeue(expired.map(([, u]) => u), true);
    }
    return [];
  }

  #dropConsumer(consumer: NodeId): void {
    this.#consumers.delete(consumer);
    const held = [...this.#unacked].filter(([, u]) => u.consumer === consumer);
    for (const [tag] of held) this.#unacked.delete(tag);
    this.#requeue(held.map(([, u]) => u), true);
  }

  // RabbitMQ puts a requeued message back near its original position, i.e. ahead of newer
  // ones; past the delivery limit it is dead-lettered instead of looping forever.
  #requeue(entries: readonly Unacked[], requeue: boolean): void {
    const back: { record: MessagingRecord; deliveryCount: number }[] = [];
    for (const u of entries) {
      if (!requeue || u.deliveryCount >= this.maxDeliveries) this.deadLetters.push(u.record);
      else back.push({ record: u.record, deliveryCount: u.deliveryCount });
    }
    back.sort((a, b) => a.record.id - b.record.id);
    this.#ready.unshift(...back);
  }

  #deliver(consumer: NodeId, prefetch: number, nowMs: number): MessagingOutgoing[] {
    let held = 0;
    for (const u of this.#unacked.values()) if (u.consumer === consumer) held++;
    const deliveries: MessagingDelivery[] = [];
    while (held + deliveries.length < prefetch && this.#ready.length > 0) {
      const { record, deliveryCount } = this.#ready.shift()!;
      const tag = this.#nextTag++;
      if (deliveryCount > 0) this.redeliveries++;
      if (!this.autoAck) {
        this.#unacked.set(tag, { record, consumer, atMs: nowMs, deliveryCount: deliveryCount + 1 });
      }
      deliveries.push({ record, ref: { kind: "tag", tag }, deliveryCount: deliveryCount + 1 });
    }
    return [{ to: consumer, msg: { type: "Deliver", generation: 0, partitions: [], deliveries } }];
  }
}
