/**
 * Mutation battery: relays and consumers a learner could plausibly write, each of which the
 * lab's checks (`cases.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { OutboxLab } from "./api.ts";
import { OUTBOX_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

const mutant = (name: string, change: Partial<OutboxLab>) => ({
  name,
  lab: { ...reference, ...change },
});

const MUTANTS: LabMutant<OutboxLab>[] = [
  mutant("marks rows before publishing them", {
    poll: (db) => {
      const publish = db.outbox.filter((r) => !r.published);
      return { publish, db: { ...db, outbox: db.outbox.map((r) => ({ ...r, published: true })) } };
    },
  }),
  mutant("publishes every row, marked or not", { poll: (db) => ({ publish: db.outbox, db }) }),
  mutant("never marks a row (publishes forever)", { ack: (db) => db }),
  mutant("marks every row on any ack", {
    ack: (db) => ({ ...db, outbox: db.outbox.map((r) => ({ ...r, published: true })) }),
  }),
  mutant("toggles the mark on ack (a second ack unmarks)", {
    ack: (db, id) => ({
      ...db,
      outbox: db.outbox.map((r) => r.eventId === id ? { ...r, published: !r.published } : r),
    }),
  }),
  mutant("looks the acknowledged row up by order id", {
    ack: (db, id) => ({
      ...db,
      outbox: db.outbox.map((r) => r.orderId === id ? { ...r, published: true } : r),
    }),
  }),
  mutant("applies every delivery", {
    consume: (db, event) => ({
      db: {
        ...db,
        applied: { ...db.applied, [event.orderId]: (db.applied[event.orderId] ?? 0) + 1 },
      },
      applied: true,
    }),
  }),
  mutant("deduplicates by order id instead of event id", {
    consume: (db, event) =>
      db.seen.includes(event.orderId)
        ? { db, applied: false }
        : reference.consume({ ...db, seen: [...db.seen] }, event).applied
        ? {
          db: { ...reference.consume(db, event).db, seen: [...db.seen, event.orderId] },
          applied: true,
        }
        : { db, applied: false },
  }),
  mutant("records the event as seen but forgets to apply it", {
    consume: (db, event) =>
      db.seen.includes(event.eventId)
        ? { db, applied: false }
        : { db: { ...db, seen: [...db.seen, event.eventId] }, applied: true },
  }),
  mutant("says a skipped duplicate was applied", {
    consume: (db, event) => ({ db: reference.consume(db, event).db, applied: true }),
  }),
  mutant("reads the order's count with a plain lookup (prototype keys)", {
    consume: (db, event) =>
      db.seen.includes(event.eventId) ? { db, applied: false } : {
        db: {
          applied: { ...db.applied, [event.orderId]: (db.applied[event.orderId] ?? 0) + 1 },
          seen: [...db.seen, event.eventId],
        },
        applied: true,
      },
  }),
];

registerMutationBattery({ lab: "outbox", checks: OUTBOX_CHECKS, reference, mutants: MUTANTS });
