import assert from "node:assert/strict";
import fc from "fast-check";
import { deliveryViolations, measureDelivery } from "./messaging.ts";
import { runDelivery } from "./messaging_run.ts";
import type { MessagingVariant } from "./messaging_run.ts";
import type { MessagingSystem } from "../../messaging/mod.ts";

const SEEDS = [1, 2, 3, 4, 5];
// Printed so a failing property replays with the same seed (fast-check also prints the path).
const PROPERTY_SEED = 20261202;

Deno.test("measureDelivery counts every published message as applied once, lost or duplicated", () => {
  console.log(`fast-check seed ${PROPERTY_SEED}`);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 30 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }),
      (count, ids) => {
        const records = Array.from(
          { length: count },
          (_, i) => ({ id: i + 1, key: `k${i % 3}`, value: i }),
        );
        const applied = ids.filter((id) => id <= count)
          .map((id) => ({ id, key: `k${(id - 1) % 3}`, consumer: "c", atMs: 0 }));
        const counts = measureDelivery(records, applied);
        const distinct = new Set(applied.map((a) => a.id)).size;
        assert.equal(counts.lost, count - distinct);
        assert.equal(counts.duplicated, applied.length - distinct);
        assert.ok(counts.reordered <= distinct);
      },
    ),
    { seed: PROPERTY_SEED, numRuns: 200 },
  );
});

Deno.test("measureDelivery finds no reordering when effects follow send order per key", () => {
  const records = [1, 2, 3, 4].map((id) => ({ id, key: id % 2 ? "a" : "b", value: id }));
  const applied = [2, 1, 4, 3].map((id) => ({
    id,
    key: id % 2 ? "a" : "b",
    consumer: "c",
    atMs: 0,
  }));
  assert.equal(measureDelivery(records, applied).reordered, 0);
});

for (const system of ["log", "queue", "stream"] as const) {
  Deno.test(`${system} at-least-once loses nothing under crashes, partitions and rebalances`, () => {
    for (const seed of SEEDS) {
      const run = runDelivery({ system, setting: "at-least-once", seed, faults: "all" });
      assert.deepEqual(deliveryViolations(run.counts, "at-least-once"), [], `seed ${seed}`);
    }
  });
  Deno.test(`${system} effectively-once neither loses nor duplicates under every fault`, () => {
    for (const seed of SEEDS) {
      const run = runDelivery({ system, setting: "effectively-once", seed, faults: "all" });
      assert.deepEqual(deliveryViolations(run.counts, "effectively-once"), [], `seed ${seed}`);
    }
  });
}

for (const system of ["queue", "pubsub", "stream"] as const) {
  Deno.test(`${system} at-most-once never duplicates, and loses messages when a consumer crashes`, () => {
    let lost = 0;
    for (const seed of SEEDS) {
      const run = runDelivery({ system, setting: "at-most-once", seed, faults: "crash" });
      assert.equal(run.counts.duplicated, 0, `seed ${seed}`);
      lost += run.counts.lost;
    }
    assert.ok(lost > 0, "a consumer crash should lose the messages it had fetched");
  });
}

Deno.test("the log at effectively-once also keeps per-key order through a leader failover", () => {
  for (const seed of SEEDS) {
    const run = runDelivery({ system: "log", setting: "effectively-once", seed, faults: "all" });
    assert.ok(run.brokerLosses > 0, "the failover discarded unreplicated records");
    assert.deepEqual(
      deliveryViolations(run.counts, "effectively-once", { perKeyOrder: true }),
      [],
      `seed ${seed}`,
    );
  }
});

Deno.test("NATS core offers only at-most-once", () => {
  assert.equal(
    runDelivery({ system: "pubsub", setting: "at-least-once", seed: 1 }).supported,
    false,
  );
});

Deno.test("the log keeps per-key order without faults; a queue's competing consumers lose it on a crash", () => {
  assert.equal(
    runDelivery({ system: "log", setting: "at-least-once", seed: 1, faults: "none" }).counts
      .reordered,
    0,
  );
  const queue = SEEDS.map((seed) =>
    runDelivery({ system: "queue", setting: "at-least-once", seed, faults: "crash" }).counts
      .reordered
  );
  assert.ok(queue.some((n) => n > 0), `queue reorderings ${queue}`);
});

const BROKEN: [MessagingVariant, MessagingSystem, RegExp][] = [
  ["commit-before-processing", "log", /messages lost/],
  ["ack-before-effect", "queue", /messages lost/],
  ["assume-order-across-partitions", "log", /per-key order broken/],
];
for (const [variant, system, expected] of BROKEN) {
  Deno.test(`the delivery checks catch the broken variant ${variant}`, () => {
    const found = SEEDS.flatMap((seed) => {
      const run = runDelivery({ system, setting: "at-least-once", variant, seed, faults: "crash" });
      return deliveryViolations(run.counts, "at-least-once", { perKeyOrder: true });
    });
    assert.ok(found.some((v) => expected.test(v)), `no violation found: ${found}`);
  });
}

Deno.test("runDelivery is deterministic: the same seed gives the same counts and trace hash", () => {
  const a = runDelivery({ system: "log", setting: "at-least-once", seed: 9 });
  const b = runDelivery({ system: "log", setting: "at-least-once", seed: 9 });
  assert.deepEqual(a.counts, b.counts);
  assert.equal(a.traceHash, b.traceHash);
});

Deno.test("runDelivery rejects a consumer count out of range, naming the option", () => {
  assert.throws(
    () => runDelivery({ system: "log", setting: "at-least-once", seed: 1, consumers: 0 }),
    /option consumers must be an integer in \[1, 8\], got 0/,
  );
});
