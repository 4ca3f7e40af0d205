/**
 * The transactional outbox with a polling relay and an idempotent consumer.
 *
 * Source: Richardson, "Microservices Patterns" (2018), §3.3.7 (transactional outbox, polling
 * publisher) and §3.3.6 / §7 (idempotent message handlers); Helland, "Life beyond Distributed
 * Transactions" (CIDR 2007), §5 (messages are delivered at least once, so activities must be
 * idempotent).
 *
 * The service writes its state change and the event in the same local transaction (one durable
 * write), so neither exists without the other. The relay publishes unmarked rows and marks a
 * row only once the consumer has acknowledged it: a crash between publishing and marking, or a
 * lost acknowledgement, publishes the row again (at-least-once). The consumer records the
 * event id in the same local transaction as its effect and skips ids it has seen, which makes
 * delivery effectively-once.
 * Known-broken variants: a relay that marks before publishing (`relay: "mark-first"`: a crash
 * or a lost message loses the event), and a consumer that is not idempotent (`idempotent:
 * false`: duplicates are applied twice).
 * Non-goals: ordering across partitions, log-tailing relays (change data capture).
 *
 * @module
 */

import type { DurableStorage, NodeId, ProcessFactory, Runtime } from "../sim/mod.ts";

// Replica ids are any strings: read own entries only (an id like "constructor" must not find
// Object.prototype's member) and define entries rather than assign them (assigning "__proto__"
// sets the prototype in browsers, and the entry vanishes).
function own(map: Readonly<Record<string, number>>, id: string): number {
  return Object.hasOwn(map, id) ? map[id] : 0;
}

function define(map: Record<string, number>, id: string, value: number): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true });
}

/** Client → service: place order `orderId` (re-sent until placed). */
export interface PlaceOrder {
  type: "PlaceOrder";
  orderId: string;
}
/** Service → client. */
export interface OrderPlaced {
  type: "OrderPlaced";
  orderId: string;
}
/** Relay → consumer: one outbox event. */
export interface OutboxPublish {
  type: "Publish";
  eventId: string;
  orderId: string;
}
/** Consumer → relay: the event is handled (or was before). */
export interface OutboxPublishAck {
  type: "PublishAck";
  eventId: string;
}

/** Every message of the outbox pipeline. */
export type OutboxMessage = PlaceOrder | OrderPlaced | OutboxPublish | OutboxPublishAck;

/** One outbox row. */
export interface OutboxRow {
  eventId: string;
  orderId: string;
  /** Set once the relay knows the consumer has the event (or, broken, before it publishes). */
  published: boolean;
}

/** The service's database: its state (orders) and its outbox, written together. */
export interface OutboxOrderDatabase {
  orders: string[];
  outbox: OutboxRow[];
}

/** How the relay orders publishing and marking. */
export type RelayVariant = "publish-then-mark" | "mark-first";

/** Every relay variant, correct first. */
export const RELAY_VARIANTS: readonly RelayVariant[] = ["publish-then-mark", "mark-first"];

/**
 * The local transaction of the outbox pattern: the order and its event in one new database
 * value (written to storage at once). Placing an order twice changes nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxPlaceOrder } from "./outbox.ts";
 * const db = outboxPlaceOrder({ orders: [], outbox: [] }, "o1");
 * assert.deepEqual(db.outbox, [{ eventId: "o1/placed", orderId: "o1", published: false }]);
 * assert.equal(outboxPlaceOrder(db, "o1"), db); // a retried request: the same database
 * ```
 */
export function outboxPlaceOrder(db: OutboxOrderDatabase, orderId: string): OutboxOrderDatabase {
  if (db.orders.includes(orderId)) return db;
  return {
    orders: [...db.orders, orderId],
    outbox: [...db.outbox, { eventId: `${orderId}/placed`, orderId, published: false }],
  };
}

/**
 * One relay poll: which rows to publish now and the database after marking. The correct
 * relay publishes every unmarked row and marks nothing (marks wait for acknowledgements); the
 * `mark-first` relay marks the rows in the same write as its decision to publish them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxPlaceOrder, outboxRelayPoll } from "./outbox.ts";
 * const db = outboxPlaceOrder({ orders: [], outbox: [] }, "o1");
 * assert.equal(outboxRelayPoll(db, "publish-then-mark").db, db);
 * assert.equal(outboxRelayPoll(db, "mark-first").db.outbox[0].published, true);
 * ```
 */
export function outboxRelayPoll(
  db: OutboxOrderDatabase,
  variant: RelayVariant,
  batch = 16,
): { publish: OutboxRow[]; db: OutboxOrderDatabase } {
  const publish = db.outbox.filter((row) => !row.published).slice(0, batch);
  if (variant === "publish-then-mark") return { publish, db };
  const ids = new Set(publish.map((row) => row.eventId));
  return {
    publish,
    db: {
      ...db,
      outbox: db.outbox.map((row) => ids.has(row.eventId) ? { ...row, published: true } : row),
    },
  };
}

/**
 * Marks a row published after its acknowledgement (the correct relay's second write).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxMarkPublished, outboxPlaceOrder } from "./outbox.ts";
 * const db = outboxMarkPublished(outboxPlaceOrder({ orders: [], outbox: [] }, "o1"), "o1/placed");
 * assert.equal(db.outbox[0].published, true);
 * ```
 */
export function outboxMarkPublished(db: OutboxOrderDatabase, eventId: string): OutboxOrderDatabase {
  const row = db.outbox.find((r) => r.eventId === eventId);
  if (!row || row.published) return db;
  return {
    ...db,
    outbox: db.outbox.map((r) => r.eventId === eventId ? { ...r, published: true } : r),
  };
}

/** The consumer's database: its effects and the ids of events it has handled. */
export interface OutboxConsumerDatabase {
  /** Effects applied, one per handled delivery (an order count per order id). */
  applied: Record<string, number>;
  /** Event ids handled, written in the same local transaction as the effect. */
  seen: string[];
}

/**
 * The consumer's local transaction for one delivery. The idempotent consumer skips an event
 * id it has seen (Helland §5); the naive one applies every delivery.
 *
 * @returns The new database and whether the effect was applied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { consumeOutboxEvent } from "./outbox.ts";
 * const event = { eventId: "o1/placed", orderId: "o1" };
 * const once = consumeOutboxEvent({ applied: {}, seen: [] }, event, true);
 * assert.equal(consumeOutboxEvent(once.db, event, true).applied, false);
 * assert.equal(consumeOutboxEvent(once.db, event, false).db.applied.o1, 2);
 * ```
 */
export function consumeOutboxEvent(
  db: OutboxConsumerDatabase,
  event: { eventId: string; orderId: string },
  idempotent: boolean,
): { db: OutboxConsumerDatabase; applied: boolean } {
  if (idempotent && db.seen.includes(event.eventId)) return { db, applied: false };
  return {
    db: {
      applied: { ...db.applied, [event.orderId]: own(db.applied, event.orderId) + 1 },
      seen: db.seen.includes(event.eventId) ? db.seen : [...db.seen, event.eventId],
    },
    applied: true,
  };
}

// Durable layout: one key per row, order, effect and seen id, so a change writes only what
// changed. A handler runs atomically in the kernel, so the writes of one handler are one local
// transaction.
const ROWS = "outbox/rows";
const rowKey = (i: number) => `outbox/row/${i}`;
const ORDER_PREFIX = "outbox/order/";
const SEEN_PREFIX = "consumer/seen/";
const APPLIED_PREFIX = "consumer/applied/";

function loadOrderDatabase(storage: DurableStorage): OutboxOrderDatabase {
  const rows = storage.get<number>(ROWS) ?? 0;
  return {
    orders: storage.keys().filter((k) => k.startsWith(ORDER_PREFIX)).map((k) =>
      k.slice(ORDER_PREFIX.length)
    ),
    outbox: Array.from({ length: rows }, (_, i) => storage.get<OutboxRow>(rowKey(i))!),
  };
}

function storeOrderDatabase(
  storage: DurableStorage,
  before: OutboxOrderDatabase,
  after: OutboxOrderDatabase,
): void {
  for (const orderId of after.orders.slice(before.orders.length)) {
    storage.set(ORDER_PREFIX + orderId, true);
  }
  // The pure functions copy only the rows they change: write those.
  after.outbox.forEach((row, i) => {
    if (row !== before.outbox[i]) storage.set(rowKey(i), row);
  });
  if (after.outbox.length !== before.outbox.length) storage.set(ROWS, after.outbox.length);
}

/**
 * Reads the consumer's durable database (also while it is down).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { loadOutboxConsumer } from "./outbox.ts";
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode("consumer", () => ({ onMessage() {} }));
 * assert.deepEqual(loadOutboxConsumer(sim.storageOf("consumer")), { applied: {}, seen: [] });
 * ```
 */
export function loadOutboxConsumer(storage: DurableStorage): OutboxConsumerDatabase {
  const applied: Record<string, number> = {};
  const seen: string[] = [];
  for (const key of storage.keys()) {
    if (key.startsWith(SEEN_PREFIX)) seen.push(key.slice(SEEN_PREFIX.length));
    if (key.startsWith(APPLIED_PREFIX)) {
      define(applied, key.slice(APPLIED_PREFIX.length), storage.get<number>(key)!);
    }
  }
  return { applied, seen };
}

/** Options of {@linkcode outboxServiceProcess}. */
export interface OutboxServiceOptions {
  /** Where the relay publishes. */
  consumer: NodeId;
  /** @default "publish-then-mark" */
  relay?: RelayVariant;
  /** The relay polls the outbox every this many ms. @default 20 */
  pollMs?: number;
  /**
   * Replacement relay rules (the outbox lab plugs learners' code in here): `poll` returns the
   * rows to publish and the database to write before publishing, `ack` the database after an
   * acknowledgement. @default the `relay` variant's
   */
  rules?: OutboxRelayRules;
}

/** The relay's two decisions, as pure functions of the service's database. */
export interface OutboxRelayRules {
  poll(db: OutboxOrderDatabase): { publish: OutboxRow[]; db: OutboxOrderDatabase };
  ack(db: OutboxOrderDatabase, eventId: string): OutboxOrderDatabase;
}

/**
 * The order service with its outbox relay in one process (a crash stops both). Traces state
 * `outbox` `{eventId, event: "written" | "published" | "marked"}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { loadOutboxConsumer, orderClientProcess, outboxConsumerProcess, outboxServiceProcess } from "./outbox.ts";
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode("orders", outboxServiceProcess({ consumer: "consumer" }));
 * sim.addNode("consumer", outboxConsumerProcess({ idempotent: true }));
 * sim.addNode("client", orderClientProcess({ service: "orders", orders: [{ orderId: "o1", atMs: 0 }] }));
 * sim.run({ untilMs: 200 });
 * assert.deepEqual(loadOutboxConsumer(sim.storageOf("consumer")), { applied: { o1: 1 }, seen: ["o1/placed"] });
 * ```
 */
export function outboxServiceProcess(options: OutboxServiceOptions): ProcessFactory<OutboxMessage> {
  const variant = options.relay ?? "publish-then-mark";
  if (!RELAY_VARIANTS.includes(variant)) {
    throw new RangeError(
      `outboxServiceProcess option relay must be one of ${
        RELAY_VARIANTS.join(", ")
      }, got ${variant}`,
    );
  }
  const pollMs = options.pollMs ?? 20;
  const rules: OutboxRelayRules = options.rules ?? {
    poll: (db) => outboxRelayPoll(db, variant),
    ack: outboxMarkPublished,
  };
  if (!(pollMs > 0)) {
    throw new RangeError(`outboxServiceProcess option pollMs must be > 0, got ${pollMs}`);
  }
  return (rt: Runtime<OutboxMessage>) => {
    // A volatile copy of the durable database, reloaded on every (re)start: reads need no
    // storage round trip, and every change is written through before anything is sent.
    let cached = loadOrderDatabase(rt.storage);
    const load = () => cached;
    const store = (db: OutboxOrderDatabase) => {
      storeOrderDatabase(rt.storage, cached, db);
      cached = db;
    };
    return {
      onStart() {
        rt.setTimer(pollMs, "poll");
      },
      onMessage(from: NodeId, msg: OutboxMessage) {
        switch (msg.type) {
          case "PlaceOrder": {
            const before = load();
            const after = outboxPlaceOrder(before, msg.orderId);
            if (after !== before) {
              store(after); // One write: the order and its event commit together.
              rt.state("outbox", { eventId: `${msg.orderId}/placed`, event: "written" });
            }
            rt.send(from, { type: "OrderPlaced", orderId: msg.orderId });
            return;
          }
          case "PublishAck": {
            const before = load();
            const after = rules.ack(before, msg.eventId);
            if (after !== before) {
              store(after);
              rt.state("outbox", { eventId: msg.eventId, event: "marked" });
            }
            return;
          }
          case "OrderPlaced":
          case "Publish":
            return;
          default: {
            const never: never = msg;
            throw new Error(`Outbox service cannot handle ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer() {
        const before = load();
        const { publish, db } = rules.poll(before);
        if (db !== before) {
          store(db); // Written before anything is published (a mark-first relay marks here).
          for (const row of db.outbox) {
            if (row.published && !before.outbox.find((r) => r.eventId === row.eventId)?.published) {
              rt.state("outbox", { eventId: row.eventId, event: "marked" });
            }
          }
        }
        for (const row of publish) {
          rt.send(options.consumer, {
            type: "Publish",
            eventId: row.eventId,
            orderId: row.orderId,
          });
          rt.state("outbox", { eventId: row.eventId, event: "published" });
        }
        rt.setTimer(pollMs, "poll");
      },
    };
  };
}

/**
 * The consumer: one local transaction per delivery (effect and seen id together), then an
 * acknowledgement. Traces state `consumed` `{eventId, applied}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxConsumerProcess } from "./outbox.ts";
 * assert.equal(typeof outboxConsumerProcess({ idempotent: false }), "function");
 * ```
 */
export function outboxConsumerProcess(
  options: {
    idempotent: boolean;
    /** Replacement handler (the outbox lab). @default consumeOutboxEvent */
    consume?: (
      db: OutboxConsumerDatabase,
      event: { eventId: string; orderId: string },
    ) => { db: OutboxConsumerDatabase; applied: boolean };
  },
): ProcessFactory<OutboxMessage> {
  const consume = options.consume ??
    ((db: OutboxConsumerDatabase, event: { eventId: string; orderId: string }) =>
      consumeOutboxEvent(db, event, options.idempotent));
  return (rt: Runtime<OutboxMessage>) => {
    // A volatile copy of the durable database (as in outboxServiceProcess).
    let cached = loadOutboxConsumer(rt.storage);
    return {
      onMessage(from: NodeId, msg: OutboxMessage) {
        if (msg.type !== "Publish") return;
        const { db, applied } = consume(cached, { eventId: msg.eventId, orderId: msg.orderId });
        if (applied) {
          // Effect and seen id in one local transaction.
          rt.storage.set(APPLIED_PREFIX + msg.orderId, own(db.applied, msg.orderId));
          if (db.seen.includes(msg.eventId)) rt.storage.set(SEEN_PREFIX + msg.eventId, true);
          cached = db;
        }
        rt.state("consumed", { eventId: msg.eventId, applied });
        rt.send(from, { type: "PublishAck", eventId: msg.eventId });
      },
    };
  };
}

/**
 * A client placing orders at given times, re-sending each until the service confirms it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderClientProcess } from "./outbox.ts";
 * assert.equal(typeof orderClientProcess({ service: "orders", orders: [] }), "function");
 * ```
 */
export function orderClientProcess(options: {
  service: NodeId;
  orders: readonly { orderId: string; atMs: number }[];
  /** @default 100 */
  retryMs?: number;
}): ProcessFactory<OutboxMessage> {
  const retryMs = options.retryMs ?? 100;
  return (rt: Runtime<OutboxMessage>) => {
    const placed = new Set<string>();
    return {
      onStart() {
        for (const { orderId, atMs } of options.orders) rt.setTimer(atMs, "place", orderId);
      },
      onMessage(_from: NodeId, msg: OutboxMessage) {
        if (msg.type === "OrderPlaced") placed.add(msg.orderId);
      },
      onTimer(_tag: string, data: unknown) {
        const orderId = String(data);
        if (placed.has(orderId)) return;
        rt.send(options.service, { type: "PlaceOrder", orderId });
        rt.setTimer(retryMs, "place", orderId);
      },
    };
  };
}
