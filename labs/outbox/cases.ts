/**
 * The outbox lab's checks, shared by the tests and the mutation check: small unit cases, then
 * whole runs in the simulator with the service (and its relay) or the consumer crashed at every
 * moment of a burst of orders, and some message loss.
 */

import type { Fault } from "../../src/sim/mod.ts";
import {
  healTransactionsFaults,
  outboxAppliedOnce,
  outboxNoLoss,
  outboxSimulation,
} from "../../src/check/mod.ts";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { OutboxLab } from "./api.ts";

const row = (id: string, published = false) => ({
  eventId: `${id}/placed`,
  orderId: id,
  published,
});

/** Unit cases: one line per wrong answer. */
export function unitFailures(lab: OutboxLab): string[] {
  const out: string[] = [];
  const check = (name: string, ok: () => boolean) => {
    try {
      if (!ok()) out.push(name);
    } catch (error) {
      out.push(`${name}: throws ${(error as Error).message}`);
    }
  };
  const db = { orders: ["a", "b"], outbox: [row("a", true), row("b")] };
  check("poll publishes exactly the unmarked rows", () => {
    const { publish } = lab.poll(db);
    return publish.length === 1 && publish[0].eventId === "b/placed";
  });
  check(
    "poll does not mark a row before the consumer acknowledged it",
    () => lab.poll(db).db.outbox.every((r) => r.published === (r.eventId === "a/placed")),
  );
  check(
    "ack marks the acknowledged row",
    () => lab.ack(db, "b/placed").outbox.every((r) => r.published),
  );
  const two = { orders: ["a", "b", "c"], outbox: [row("a", true), row("b"), row("c")] };
  check(
    "ack marks only the acknowledged row (c, not yet acknowledged, stays unmarked)",
    () => lab.ack(two, "b/placed").outbox.map((r) => r.published).join() === "true,true,false",
  );
  check(
    "an ack that arrives twice leaves the row marked",
    () => lab.ack(lab.ack(db, "b/placed"), "b/placed").outbox.every((r) => r.published),
  );
  const empty = { applied: {}, seen: [] };
  const event = { eventId: "b/placed", orderId: "b" };
  check("consume applies a new event once", () => {
    const first = lab.consume(empty, event);
    return first.applied && first.db.applied.b === 1;
  });
  check("consume skips an event it has seen", () => {
    const first = lab.consume(empty, event);
    const again = lab.consume(first.db, event);
    return !again.applied && (again.db.applied.b ?? 0) === 1;
  });
  check("consume applies two different events of one order (deduplicate by event id)", () => {
    const placed = lab.consume(empty, { eventId: "a/placed", orderId: "a" });
    const paid = lab.consume(placed.db, { eventId: "a/paid", orderId: "a" });
    return paid.applied && paid.db.applied.a === 2;
  });
  check(
    'consume counts an order named "constructor" from 0 (an object map has prototype keys)',
    () => {
      const first = lab.consume(empty, { eventId: "constructor/placed", orderId: "constructor" });
      return first.applied && Object.hasOwn(first.db.applied, "constructor") &&
        first.db.applied["constructor" as string] === 1;
    },
  );
  return out;
}

/** A failing run: the crash schedule and what broke. */
export interface OutboxFailure {
  seed: number;
  faults: Fault[];
  violations: string[];
}

const ORDERS = Array.from({ length: 12 }, (_, i) => ({ orderId: `o${i + 1}`, atMs: i * 5 }));

function runWith(lab: OutboxLab, seed: number, faults: Fault[]): string[] {
  const sim = outboxSimulation({
    seed,
    orders: ORDERS,
    rules: { poll: (db) => lab.poll(db), ack: (db, id) => lab.ack(db, id) },
    consume: (db, event) => lab.consume(db, event),
    lossProbability: 0.05,
  });
  sim.schedule(faults);
  sim.schedule(healTransactionsFaults(200, ["orders", "consumer"]));
  try {
    sim.run({ untilMs: 1500 });
  } catch (error) {
    return [`the run threw: ${(error as Error).message}`];
  }
  return [...outboxNoLoss(sim.trace.events), ...outboxAppliedOnce(sim.trace.events)].map((v) =>
    `${v.invariant}: ${v.message}`
  );
}

/**
 * Crashes the service (with its relay), then the consumer, at every 3 ms over the first 90 ms
 * (down 20 ms), smallest schedules first; returns the first failing one, or null.
 */
export function findOutboxFailure(
  lab: OutboxLab,
  seeds: readonly number[] = [1, 2, 3],
): OutboxFailure | null {
  for (const seed of seeds) {
    const schedules: Fault[][] = [[]];
    for (const node of ["orders", "consumer"]) {
      for (let t = 0; t < 90; t += 3) {
        schedules.push([
          { atMs: t, kind: "crash", node },
          { atMs: t + 20, kind: "restart", node },
        ]);
      }
    }
    for (const faults of schedules) {
      const violations = runWith(lab, seed, faults);
      if (violations.length > 0) return { seed, faults, violations };
    }
  }
  return null;
}

/** Explains an outbox failure: the seed, the smallest crash schedule and what broke. */
export function describeOutboxFailure(failure: OutboxFailure): string {
  return [
    `Seed ${failure.seed}, the smallest crash schedule that breaks it:`,
    ...(failure.faults.length
      ? failure.faults.map((f) => `  ${f.atMs} ms ${f.kind} ${"node" in f ? f.node : ""}`)
      : ["  (no crash at all: message loss alone)"]),
    "What broke:",
    ...failure.violations.slice(0, 5).map((v) => `  ${v}`),
  ].join("\n");
}

/** The lab's checks, in the order they run: unit cases, then the crash runs. */
export const OUTBOX_CHECKS: readonly LabCheck<OutboxLab>[] = [
  failuresCheck(
    "the relay publishes unmarked rows, marks on ack, and the consumer applies once",
    unitFailures,
  ),
  failuresCheck(
    "no event is lost and none applied twice, whenever the service or consumer crashes",
    (lab) => {
      const failure = findOutboxFailure(lab);
      return failure === null ? null : describeOutboxFailure(failure);
    },
  ),
];
