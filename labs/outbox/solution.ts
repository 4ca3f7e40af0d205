/**
 * Reference solution of the outbox lab.
 *
 * @module
 */

import type { OutboxConsumerDatabase, OutboxEvent, OutboxOrderDatabase, OutboxRow } from "./api.ts";

/** Publish every unmarked row; mark nothing yet (a mark before the ack could lose the event). */
export function poll(db: OutboxOrderDatabase): { publish: OutboxRow[]; db: OutboxOrderDatabase } {
  return { publish: db.outbox.filter((row) => !row.published), db };
}

/** Mark the acknowledged row; everything else stays as it was (same objects). */
export function ack(db: OutboxOrderDatabase, eventId: string): OutboxOrderDatabase {
  if (!db.outbox.some((row) => row.eventId === eventId && !row.published)) return db;
  return {
    ...db,
    outbox: db.outbox.map((row) => row.eventId === eventId ? { ...row, published: true } : row),
  };
}

/** Apply the effect and remember the id together; skip an id already seen. */
export function consume(
  db: OutboxConsumerDatabase,
  event: OutboxEvent,
): { db: OutboxConsumerDatabase; applied: boolean } {
  if (db.seen.includes(event.eventId)) return { db, applied: false };
  return {
    db: {
      // Own keys only: an order id like "constructor" must not read Object.prototype's member.
      applied: {
        ...db.applied,
        [event.orderId]:
          (Object.hasOwn(db.applied, event.orderId) ? db.applied[event.orderId] : 0) +
          1,
      },
      seen: [...db.seen, event.eventId],
    },
    applied: true,
  };
}
