/**
 * One measured run of a messaging system: a producer, a broker model and competing consumers
 * on the kernel, a fault campaign (consumer crash, a consumer partitioned from the broker, a
 * consumer joining mid-stream, a log leader failover), and the loss, duplication and per-key
 * reordering the consumers' database shows at the end. The unit of work of the
 * `delivery-semantics` and `consumer-rebalance` experiments, the tests and the lab.
 *
 * Settings map onto each system's own knobs (Kafka documentation §4.6; RabbitMQ "Consumer
 * Acknowledgements and Publisher Confirms"; NATS "JetStream"):
 * - at-most-once: no publish retries; commit or ack before the effect (auto-ack, AckNone);
 * - at-least-once: acks=all / confirms with retries; effect, then commit or ack;
 * - effectively-once: idempotent producer or de-duplication window, and an idempotent effect.
 * NATS core offers only at-most-once; the other two are reported as unsupported.
 *
 * @module
 */

import type { Fault } from "../../sim/mod.ts";
import { Simulation } from "../../sim/mod.ts";
import type {
  Broker,
  ConsumerPolicy,
  MessagingMessage,
  MessagingRecord,
  MessagingSystem,
  RebalanceEvent,
} from "../../messaging/mod.ts";
import {
  AckStream,
  brokerProcess,
  consumerProcess,
  EffectSink,
  PartitionedLog,
  producerProcess,
  SubjectPubSub,
  WorkQueue,
} from "../../messaging/mod.ts";
import type { DeliveryCounts, DeliveryGuarantee } from "./messaging.ts";
import { measureDelivery } from "./messaging.ts";

/** Known-broken consumers and producers, each caught by a delivery invariant. */
export const MESSAGING_VARIANTS = [
  "correct",
  "commit-before-processing",
  "ack-before-effect",
  "assume-order-across-partitions",
] as const;
/**
 * `commit-before-processing`: a log consumer commits the offset, then processes (loss on a
 * crash in between). `ack-before-effect`: a queue consumer acks, then does the effect (the
 * same loss). `assume-order-across-partitions`: the producer spreads a key over partitions
 * (round-robin) while the consumer relies on per-key order.
 */
export type MessagingVariant = (typeof MESSAGING_VARIANTS)[number];

/** The fault campaigns a run can face. */
export const DELIVERY_FAULTS = [
  "none",
  "crash",
  "partition",
  "rebalance",
  "failover",
  "all",
] as const;
export type DeliveryFaults = (typeof DELIVERY_FAULTS)[number];

/** Options of {@linkcode runDelivery}. */
export interface DeliveryRunOptions {
  system: MessagingSystem;
  setting: DeliveryGuarantee;
  /** @default "correct" */
  variant?: MessagingVariant;
  /** @default "all" */
  faults?: DeliveryFaults;
  seed: number;
  /** Records published. @default 100 */
  messages?: number;
  /** Distinct keys. @default 4 */
  keys?: number;
  /** Consumers at the start (one more joins in the `rebalance` campaign). @default 2 */
  consumers?: number;
  /** Log partitions. @default 3 */
  partitions?: number;
  /** The log's acks when at-least-once or better (at-most-once uses 0). @default "all" */
  acks?: 1 | "all";
  /** The log's consumer session timeout. @default 300 */
  sessionTimeoutMs?: number;
}

/** What a run measured. */
export interface DeliveryRunResult {
  /** False when the system does not offer the setting (NATS core beyond at-most-once). */
  supported: boolean;
  counts: DeliveryCounts;
  /** The kernel faults applied, as data. */
  faults: Fault[];
  rebalances: RebalanceEvent[];
  /** Records a log failover discarded, messages a queue or stream dead-lettered. */
  brokerLosses: number;
  /** Virtual time the run ended at. */
  endMs: number;
  traceHash: string;
}

interface Plan {
  broker: Broker;
  retry: boolean;
  policy: ConsumerPolicy;
  settles: boolean;
}

function plan(options: DeliveryRunOptions): Plan | null {
  const { system, setting } = options;
  const variant = options.variant ?? "correct";
  const strict = setting !== "at-most-once";
  let policy: ConsumerPolicy = setting === "at-most-once"
    ? "settle-first"
    : setting === "at-least-once"
    ? "effect-first"
    : "idempotent";
  if (variant === "commit-before-processing" || variant === "ack-before-effect") {
    policy = "settle-first";
  }
  switch (system) {
    case "log":
      return {
        broker: new PartitionedLog({
          partitions: options.partitions ?? 3,
          acks: strict ? (options.acks ?? "all") : 0,
          idempotent: setting === "effectively-once",
          partitioner: variant === "assume-order-across-partitions" ? "round-robin" : "key",
          sessionTimeoutMs: options.sessionTimeoutMs ?? 300,
        }),
        retry: strict,
        policy,
        settles: true,
      };
    case "queue":
      return {
        broker: new WorkQueue({ autoAck: !strict, publisherConfirms: strict }),
        retry: strict,
        policy,
        settles: true,
      };
    case "pubsub":
      if (strict) return null;
      return { broker: new SubjectPubSub(), retry: false, policy: "effect-first", settles: false };
    case "stream":
      return {
        broker: new AckStream({
          ackPolicy: strict ? "explicit" : "none",
          deduplicate: setting === "effectively-once",
        }),
        retry: strict,
        policy,
        settles: true,
      };
    default: {
      const unknown: never = system;
      throw new RangeError(`runDelivery: unknown system ${unknown}`);
    }
  }
}

/**
 * Runs one system at one setting through a fault campaign and measures delivery.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runDelivery } from "./messaging_run.ts";
 * const run = runDelivery({ system: "log", setting: "effectively-once", seed: 1 });
 * assert.equal(run.counts.lost + run.counts.duplicated, 0);
 * const broken = runDelivery({ system: "log", setting: "at-least-once", seed: 1, faults: "crash",
 *   variant: "commit-before-processing" });
 * assert.ok(broken.counts.lost > 0);
 * ```
 */
export function runDelivery(options: DeliveryRunOptions): DeliveryRunResult {
  const messages = options.messages ?? 100;
  const keys = options.keys ?? 4;
  const consumers = options.consumers ?? 2;
  const faults = options.faults ?? "all";
  if (!(Number.isInteger(consumers) && consumers >= 1 && consumers <= 8)) {
    throw new RangeError(
      `runDelivery: option consumers must be an integer in [1, 8], got ${consumers}`,
    );
  }
  const published: MessagingRecord[] = Array.from(
    { length: messages },
    (_, i) => ({ id: i + 1, key: `k${(i + 1) % keys}`, value: i + 1 }),
  );
  const chosen = plan(options);
  const empty = { published: messages, applied: 0, lost: 0, duplicated: 0, reordered: 0 };
  if (chosen === null) {
    return {
      supported: false,
      counts: empty,
      faults: [],
      rebalances: [],
      brokerLosses: 0,
      endMs: 0,
      traceHash: "",
    };
  }
  const sim = new Simulation<MessagingMessage>({
    seed: options.seed,
    trace: "hash",
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
  });
  const sink = new EffectSink();
  sim.addNode("broker", brokerProcess(chosen.broker));
  sim.addNode(
    "producer",
    producerProcess({ broker: "broker", count: messages, keys, retry: chosen.retry }),
  );
  const ids = Array.from({ length: consumers + 1 }, (_, i) => `c${i + 1}`);
  ids.forEach((id, i) =>
    sim.addNode(
      id,
      consumerProcess({
        broker: "broker",
        sink,
        policy: chosen.policy,
        settles: chosen.settles,
        group: options.system === "pubsub" ? "workers" : "g",
        stepMs: 6,
      }),
      { dormant: i === consumers },
    )
  );
  const productionMs = messages * 5;
  const at = (f: number) => Math.round(productionMs * f);
  const schedule: Fault[] = [];
  if (faults === "crash" || faults === "all") {
    schedule.push({ atMs: at(0.3), kind: "crash", node: "c1" }, {
      atMs: at(0.5),
      kind: "restart",
      node: "c1",
    });
  }
  if (faults === "partition" || faults === "all") {
    const others = sim.nodes.filter((n) => n !== ids[1 % consumers]);
    schedule.push(
      { atMs: at(0.4), kind: "partition", groups: [[ids[1 % consumers]], others] },
      { atMs: at(0.9), kind: "heal" },
    );
  }
  if (faults === "rebalance" || faults === "all") {
    schedule.push({ atMs: at(0.6), kind: "join", node: ids[consumers] });
  }
  sim.schedule(schedule);
  const broker = chosen.broker;
  if ((faults === "failover" || faults === "all") && broker instanceof PartitionedLog) {
    sim.at(at(0.7), () => {
      for (let p = 0; p < broker.partitions; p++) broker.failLeader(p);
    });
  }
  const endMs = productionMs + 4000;
  sim.run({ untilMs: endMs });
  const brokerLosses = broker instanceof PartitionedLog
    ? broker.discarded + broker.expiredUnread
    : broker instanceof WorkQueue
    ? broker.deadLetters.length
    : broker instanceof AckStream
    ? broker.dead.length
    : 0;
  return {
    supported: true,
    counts: measureDelivery(published, sink.applied),
    faults: schedule,
    rebalances: broker instanceof PartitionedLog ? [...broker.rebalances] : [],
    brokerLosses,
    endMs,
    traceHash: sim.trace.hash(),
  };
}
