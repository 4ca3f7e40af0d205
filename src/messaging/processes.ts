/**
 * Kernel adapters for the messaging models: a broker process that carries out a
 * {@linkcode Broker}'s output, a producer that publishes and retries, a consumer that
 * processes deliveries one step at a time, and the external database the consumer's side
 * effects land in ({@linkcode EffectSink}), which outlives consumer crashes.
 *
 * The consumer's order of steps is the delivery guarantee (Kafka documentation §4.6, "Message
 * Delivery Semantics"): settle (commit or ack) before the side effect and a crash between the
 * two loses the message; settle after it and a crash between them repeats it; make the effect
 * idempotent, recording the message id in the same transaction as the effect, and the repeat
 * does no harm ("effectively once").
 *
 * @module
 */

import type { NodeId, ProcessFactory, Runtime } from "../sim/mod.ts";
import type {
  Broker,
  MessagingDelivery,
  MessagingMessage,
  MessagingRecord,
  SettleRef,
} from "./types.ts";
import { checkMessagingOption } from "./types.ts";

/** One side effect as the database saw it. */
export interface AppliedEffect {
  readonly id: number;
  readonly key: string;
  readonly consumer: NodeId;
  readonly atMs: number;
}

/**
 * The consumer's database: every side effect lands here, and it survives consumer crashes.
 * `apply` with `idempotent` records the message id in the same transaction as the effect and
 * skips an id it has seen: the idempotent-consumer (inbox) pattern.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EffectSink } from "./processes.ts";
 * const sink = new EffectSink();
 * const record = { id: 7, key: "a", value: 1 };
 * assert.ok(sink.apply(record, "c1", 0, true));
 * assert.ok(!sink.apply(record, "c2", 5, true)); // a redelivery changes nothing
 * assert.equal(sink.applied.length, 1);
 * ```
 */
export class EffectSink {
  /** Effects in the order they took place. */
  readonly applied: AppliedEffect[] = [];
  #seen = new Set<number>();

  /** Applies an effect; false when `idempotent` and the id was already applied. */
  apply(record: MessagingRecord, consumer: NodeId, atMs: number, idempotent: boolean): boolean {
    if (idempotent && this.#seen.has(record.id)) return false;
    this.#seen.add(record.id);
    this.applied.push({ id: record.id, key: record.key, consumer, atMs });
    return true;
  }
}

/** Runs a broker model as a kernel process, ticking it every `tickMs`. */
export function brokerProcess(
  broker: Broker,
  options: { tickMs?: number } = {},
): ProcessFactory<MessagingMessage> {
  const tickMs = options.tickMs ?? 10;
  checkMessagingOption("brokerProcess", "tickMs", tickMs, 1);
  return (rt: Runtime<MessagingMessage>) => {
    const send = (out: ReturnType<Broker["tick"]>) => {
      for (const o of out) rt.send(o.to, o.msg);
    };
    return {
      onStart: () => rt.setTimer(tickMs, "tick"),
      onTimer() {
        send(broker.tick(rt.monotonic()));
        rt.setTimer(tickMs, "tick");
      },
      onMessage: (from, msg) => send(broker.step(from, msg, rt.monotonic())),
    };
  };
}

/** Options of {@linkcode producerProcess}. */
export interface ProducerOptions {
  broker: NodeId;
  /** Records to publish. @default 100 */
  count?: number;
  /** Distinct keys; record i has key `k${i % keys}`. @default 4 */
  keys?: number;
  /** Time between publishes. @default 5 */
  intervalMs?: number;
  /** Wait for a PublishAck and retry without one. @default true */
  retry?: boolean;
  /** Retry after this long without an ack. @default 60 */
  retryMs?: number;
  /** Give up on a record after this many retries. @default 20 */
  maxRetries?: number;
}

/**
 * A producer publishing records `1..count`; with `retry` it resends a record (same `seq`)
 * until acknowledged, which is where duplicates come from unless the broker de-duplicates.
 */
export function producerProcess(options: ProducerOptions): ProcessFactory<MessagingMessage> {
  const count = options.count ?? 100;
  const keys = options.keys ?? 4;
  const intervalMs = options.intervalMs ?? 5;
  const retry = options.retry ?? true;
  const retryMs = options.retryMs ?? 60;
  const maxRetries = options.maxRetries ?? 20;
  checkMessagingOption("producerProcess", "count", count, 0);
  checkMessagingOption("producerProcess", "keys", keys, 1);
  checkMessagingOption("producerProcess", "retryMs", retryMs, 1);
  return (rt) => {
    const tries = new Map<number, number>();
    const publish = (id: number) => {
      const record = { id, key: `k${id % keys}`, value: id };
      rt.send(options.broker, { type: "Publish", producerId: rt.id, seq: id, record });
      if (retry) rt.setTimer(retryMs, "retry", id);
    };
    let next = 1;
    return {
      onStart: () => rt.setTimer(intervalMs, "publish"),
      onTimer(tag, data) {
        if (tag === "publish") {
          if (next > count) return;
          tries.set(next, 0);
          publish(next++);
          rt.setTimer(intervalMs, "publish");
        } else if (tag === "retry") {
          const id = data as number;
          const n = tries.get(id);
          if (n === undefined || n >= maxRetries) return;
          tries.set(id, n + 1);
          publish(id);
        }
      },
      onMessage(_from, msg) {
        if (msg.type === "PublishAck") tries.delete(msg.seq);
      },
    };
  };
}

/**
 * When the consumer settles relative to its side effect:
 * - `settle-first`: commit/ack, then the effect (at-most-once);
 * - `effect-first`: the effect, then commit/ack (at-least-once);
 * - `idempotent`: an idempotent effect, then commit/ack (effectively-once).
 */
export type ConsumerPolicy = "settle-first" | "effect-first" | "idempotent";

/** Options of {@linkcode consumerProcess}. */
export interface ConsumerOptions {
  broker: NodeId;
  sink: EffectSink;
  policy: ConsumerPolicy;
  /** Group (log, stream), queue (queue) or queue group (pub/sub; "" for a plain subscriber). @default "g" */
  group?: string;
  /** Unsettled deliveries held at most (prefetch / max.poll.records). @default 5 */
  prefetch?: number;
  /** Time between polls (also the heartbeat). @default 20 */
  pollMs?: number;
  /** Time each processing step takes (effect, settle). @default 4 */
  stepMs?: number;
  /** Whether to settle at all (false for fire-and-forget pub/sub). @default true */
  settles?: boolean;
}

/** A consumer as `sim.processOf` shows it. */
export interface ConsumerProcess {
  onStart(): void;
  onMessage(from: NodeId, msg: MessagingMessage): void;
  onTimer(tag: string): void;
  /** Deliveries received and not yet finished. */
  readonly backlog: number;
}

/**
 * A consumer processing one delivery at a time: the effect, then (unless it settled on
 * receipt) the settle, each step `stepMs` long, so a crash can fall between them.
 */
export function consumerProcess(
  options: ConsumerOptions,
): ProcessFactory<MessagingMessage, ConsumerProcess> {
  const group = options.group ?? "g";
  const prefetch = options.prefetch ?? 5;
  const pollMs = options.pollMs ?? 20;
  const stepMs = options.stepMs ?? 4;
  const settles = options.settles ?? true;
  checkMessagingOption("consumerProcess", "prefetch", prefetch, 1);
  checkMessagingOption("consumerProcess", "pollMs", pollMs, 1);
  checkMessagingOption("consumerProcess", "stepMs", stepMs, 1);
  return (rt) => {
    let generation = 0;
    let joined = false;
    let queue: MessagingDelivery[] = [];
    let phase: 0 | 1 = 0; // which step of queue[0] comes next
    let working = false;
    const settle = (ref: SettleRef) => {
      if (settles && ref.kind !== "none") {
        rt.send(options.broker, { type: "Settle", group, generation, ref });
      }
    };
    const effect = (d: MessagingDelivery) => {
      options.sink.apply(d.record, rt.id, rt.monotonic(), options.policy === "idempotent");
    };
    const work = () => {
      if (working || queue.length === 0) return;
      working = true;
      rt.setTimer(stepMs, "step");
    };
    return {
      get backlog() {
        return queue.length;
      },
      onStart() {
        rt.send(options.broker, { type: "Poll", group, max: prefetch, join: true });
        joined = true;
        rt.setTimer(pollMs, "poll");
      },
      onTimer(tag) {
        if (tag === "poll") {
          rt.send(options.broker, {
            type: "Poll",
            group,
            max: Math.max(0, prefetch - queue.length),
            join: !joined,
          });
          rt.setTimer(pollMs, "poll");
          return;
        }
        working = false;
        const d = queue[0];
        if (d === undefined) return;
        // settle-first settled on receipt; effect-first and idempotent settle after the effect.
        if (phase === 0) {
          effect(d);
          phase = 1;
          if (options.policy !== "settle-first") return work();
        } else {
          settle(d.ref);
        }
        phase = 0;
        queue = queue.slice(1);
        work();
      },
      onMessage(_from, msg) {
        if (msg.type !== "Deliver" || msg.generation < generation) return; // stale: fenced
        if (msg.generation !== generation) {
          // A rebalance: drop what belongs to partitions this member no longer owns (Kafka's
          // onPartitionsRevoked); the new owner starts from the committed offset.
          generation = msg.generation;
          // An eager rebalance (Kafka's onPartitionsRevoked) revokes everything: the broker
          // hands partitions out again from the committed offsets, so fetched records not yet
          // processed are dropped here, and only the one in progress is finished.
          queue = phase === 1 ? queue.slice(0, 1) : [];
        }
        // At-most-once commits (acks) what it fetched before processing any of it: the
        // classic auto-commit-on-poll, and the loss on a crash.
        if (options.policy === "settle-first") { for (const d of msg.deliveries) settle(d.ref); }
        queue = [...queue, ...msg.deliveries];
        work();
      },
    };
  };
}
