/**
 * The messages every broker model here speaks, so one producer and one consumer process can
 * drive a partitioned log (Kafka), a queue (RabbitMQ), subject pub/sub (NATS) and a stream
 * with acknowledgements (JetStream / Redis Streams). Each broker reads the same verbs in its
 * own way: `Settle` is an offset commit for the log, an `ack` for the queue and the stream,
 * and is ignored by fire-and-forget pub/sub.
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";

/** An application message. `id` is the producer's sequence number: the ground truth of order. */
export interface MessagingRecord {
  readonly id: number;
  readonly key: string;
  readonly value: number;
}

/**
 * How a broker names one delivery so the consumer can settle it: a partition and offset for
 * the log, a delivery tag for the queue, an entry id for the stream.
 */
export type SettleRef =
  | { readonly kind: "offset"; readonly partition: number; readonly offset: number }
  | { readonly kind: "tag"; readonly tag: number }
  | { readonly kind: "entry"; readonly entry: number }
  | { readonly kind: "none" };

/** One record handed to a consumer, with how to settle it and how often it was delivered. */
export interface MessagingDelivery {
  readonly record: MessagingRecord;
  readonly ref: SettleRef;
  /** 1 on first delivery; RabbitMQ's `redelivered` flag is `deliveryCount > 1`. */
  readonly deliveryCount: number;
}

/** Producer → broker: publish one record (retries reuse `seq`, which idempotence needs). */
export interface Publish {
  readonly type: "Publish";
  readonly producerId: string;
  readonly seq: number;
  readonly record: MessagingRecord;
  /** Subject for pub/sub routing. @default "orders.created" */
  readonly subject?: string;
}

/** Broker → producer: the record with sequence `seq` is stored as the acks setting demands. */
export interface PublishAck {
  readonly type: "PublishAck";
  readonly seq: number;
}

/**
 * Consumer → broker: join or stay in the group and ask for records (a heartbeat and a fetch in
 * one, like Kafka's `poll()`).
 */
export interface Poll {
  readonly type: "Poll";
  readonly group: string;
  /** At most this many unsettled deliveries at once (RabbitMQ's prefetch). */
  readonly max: number;
  /** True on the first poll after the consumer (re)started: a new member, so a rebalance. */
  readonly join: boolean;
  /** Subject pattern to subscribe to (pub/sub only; `*` one token, `>` the rest). @default ">" */
  readonly subject?: string;
}

/** Broker → consumer: records, stamped with the group generation they belong to. */
export interface Deliver {
  readonly type: "Deliver";
  readonly generation: number;
  /** Partitions this member owns in `generation` (the log only; empty elsewhere). */
  readonly partitions: readonly number[];
  readonly deliveries: readonly MessagingDelivery[];
}

/** Consumer → broker: commit an offset (log) or ack a delivery (queue, stream). */
export interface Settle {
  readonly type: "Settle";
  readonly group: string;
  readonly generation: number;
  readonly ref: SettleRef;
}

/** Consumer → broker: processing failed; requeue it or (after too many tries) dead-letter it. */
export interface Nack {
  readonly type: "Nack";
  readonly group: string;
  readonly ref: SettleRef;
  readonly requeue: boolean;
}

/** Every message of the messaging models. */
export type MessagingMessage = Publish | PublishAck | Poll | Deliver | Settle | Nack;

/** A message a state machine wants sent: output as data, carried out by its adapter. */
export interface MessagingOutgoing {
  readonly to: NodeId;
  readonly msg: MessagingMessage;
}

/**
 * A broker model as a pure state machine: messages in through `step`, time through `tick`,
 * messages out as data. The kernel adapter ({@linkcode brokerProcess}) carries them out.
 */
export interface Broker {
  /** Which model this is, for traces and tables. */
  readonly system: MessagingSystem;
  /** Handles one message; returns what to send. */
  step(from: NodeId, msg: MessagingMessage, nowMs: number): MessagingOutgoing[];
  /** Advances time: session timeouts, redelivery timers, replication. */
  tick(nowMs: number): MessagingOutgoing[];
}

/** The broker models. */
export const MESSAGING_SYSTEMS = ["log", "queue", "pubsub", "stream"] as const;
/** `log` (Kafka), `queue` (RabbitMQ), `pubsub` (NATS core), `stream` (JetStream / Redis Streams). */
export type MessagingSystem = (typeof MESSAGING_SYSTEMS)[number];

/** Throws a RangeError naming `name` unless `value` is an integer in `[min, max]`. */
export function checkMessagingOption(
  where: string,
  name: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new RangeError(
      `${where}: option ${name} must be an integer in [${min}, ${max}], got ${value}`,
    );
  }
}
