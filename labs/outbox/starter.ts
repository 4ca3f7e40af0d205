/**
 * Your outbox relay and consumer. Replace each `throw`; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/outbox` until it is green.
 *
 * @module
 */

import type { OutboxConsumerDatabase, OutboxEvent, OutboxOrderDatabase, OutboxRow } from "./api.ts";

/**
 * One relay poll.
 *
 * Hint: which rows still need publishing? And must anything be written before they go out?
 */
export function poll(db: OutboxOrderDatabase): { publish: OutboxRow[]; db: OutboxOrderDatabase } {
  throw new Error(
    `TODO poll(${db.outbox.length} rows): return the rows to publish and the database (README.md, step 1)`,
  );
}

/** The consumer acknowledged `eventId`. */
export function ack(db: OutboxOrderDatabase, eventId: string): OutboxOrderDatabase {
  throw new Error(
    `TODO ack(${eventId}) on ${db.outbox.length} rows: return the database with that row marked (step 1)`,
  );
}

/**
 * One delivery. Hint: the same event may arrive more than once.
 */
export function consume(
  db: OutboxConsumerDatabase,
  event: OutboxEvent,
): { db: OutboxConsumerDatabase; applied: boolean } {
  throw new Error(
    `TODO consume(${event.eventId}) after ${db.seen.length} events: apply its effect at most once ` +
      `(README.md, step 2)`,
  );
}
