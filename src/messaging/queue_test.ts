import assert from "node:assert/strict";
import fc from "fast-check";
import { WorkQueue } from "./queue.ts";
import { AckStream } from "./stream.ts";
import { subjectMatches } from "./pubsub.ts";
import type { MessagingOutgoing } from "./types.ts";

const publish = (id: number) =>
  ({ type: "Publish", producerId: "p", seq: id, record: { id, key: "k", value: id } }) as const;
const delivered = (out: MessagingOutgoing[]) =>
  out.flatMap((o) => (o.msg.type === "Deliver" ? o.msg.deliveries : []));

Deno.test("WorkQueue holds at most prefetch unacknowledged messages per consumer", () => {
  const queue = new WorkQueue();
  for (let id = 1; id <= 5; id++) queue.step("p", publish(id), 0);
  assert.equal(
    delivered(queue.step("c1", { type: "Poll", group: "q", max: 2, join: true }, 1)).length,
    2,
  );
  assert.equal(
    delivered(queue.step("c1", { type: "Poll", group: "q", max: 2, join: false }, 2)).length,
    0,
  );
});

Deno.test("WorkQueue dead-letters a message rejected maxDeliveries times", () => {
  const queue = new WorkQueue({ maxDeliveries: 2 });
  queue.step("p", publish(1), 0);
  for (let i = 0; i < 2; i++) {
    const [d] = delivered(queue.step("c1", { type: "Poll", group: "q", max: 1, join: false }, i));
    queue.step("c1", { type: "Nack", group: "q", ref: d.ref, requeue: true }, i);
  }
  assert.deepEqual(queue.deadLetters.map((r) => r.id), [1]);
  assert.equal(queue.ready, 0);
});

Deno.test("WorkQueue redelivers after the visibility timeout even while the consumer lives", () => {
  const queue = new WorkQueue({ visibilityTimeoutMs: 50 });
  queue.step("p", publish(1), 0);
  queue.step("c1", { type: "Poll", group: "q", max: 1, join: true }, 0);
  queue.step("c1", { type: "Poll", group: "q", max: 1, join: false }, 40);
  queue.tick(60);
  const [again] = delivered(queue.step("c2", { type: "Poll", group: "q", max: 1, join: true }, 61));
  assert.equal(again.deliveryCount, 2);
  assert.equal(queue.redeliveries, 1);
});

Deno.test("WorkQueue with auto-ack forgets a message once delivered", () => {
  const queue = new WorkQueue({ autoAck: true, consumerTimeoutMs: 10 });
  queue.step("p", publish(1), 0);
  queue.step("c1", { type: "Poll", group: "q", max: 1, join: true }, 0);
  queue.tick(100);
  assert.equal(queue.ready + queue.unacked, 0);
});

Deno.test("AckStream de-duplicates a retried publish only when asked to", () => {
  const dedupe = new AckStream({ deduplicate: true });
  const plain = new AckStream();
  for (const s of [dedupe, plain]) {
    s.step("p", publish(1), 0);
    s.step("p", publish(1), 5);
  }
  assert.equal(dedupe.length, 1);
  assert.equal(plain.length, 2);
});

Deno.test("AckStream stops after maxDeliver and reports the entry dead", () => {
  const stream = new AckStream({ ackWaitMs: 10, maxDeliver: 2 });
  stream.step("p", publish(1), 0);
  for (const t of [0, 20, 40]) {
    stream.step("c1", { type: "Poll", group: "g", max: 1, join: false }, t);
  }
  assert.deepEqual(stream.dead.map((r) => r.id), [1]);
});

const token = fc.constantFrom("a", "b", "c");
Deno.test("subjectMatches: a literal pattern matches exactly itself, and '>' matches every longer subject", () => {
  const seed = 7;
  console.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(
      fc.array(token, { minLength: 1, maxLength: 4 }),
      fc.array(token, { minLength: 1, maxLength: 4 }),
      (p, s) => {
        assert.equal(subjectMatches(p.join("."), s.join(".")), p.join(".") === s.join("."));
        assert.equal(
          subjectMatches(`${p.join(".")}.>`, s.join(".")),
          s.length > p.length && s.slice(0, p.length).join(".") === p.join("."),
        );
      },
    ),
    { seed, numRuns: 300 },
  );
});
