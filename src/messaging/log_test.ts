import assert from "node:assert/strict";
import { PartitionedLog } from "./log.ts";
import type { MessagingOutgoing } from "./types.ts";

const publish = (id: number, seq = id) =>
  ({ type: "Publish", producerId: "p", seq, record: { id, key: "k", value: id } }) as const;
const acks = (out: MessagingOutgoing[]) =>
  out.flatMap((o) => (o.msg.type === "PublishAck" ? [o.msg.seq] : []));

Deno.test("PartitionedLog with acks=1 loses an acknowledged record when the leader fails before replicating", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 3, acks: 1 });
  assert.deepEqual(acks(log.step("p", publish(1), 0)), [1]);
  log.failLeader(0);
  log.tick(10);
  assert.deepEqual(log.leaderRecords(0), []);
  assert.equal(log.discarded, 1);
});

Deno.test("PartitionedLog with acks=all acknowledges only what every in-sync replica holds", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 3, acks: "all" });
  assert.deepEqual(acks(log.step("p", publish(1), 0)), []);
  log.failLeader(0); // not acknowledged, so the producer will retry: nothing acked is lost
  assert.deepEqual(acks(log.tick(10)), []);
  log.step("p", publish(1), 20);
  assert.deepEqual(acks(log.tick(30)), [1]);
  log.failLeader(0);
  assert.deepEqual(log.leaderRecords(0), [1]);
});

Deno.test("PartitionedLog's idempotent producer appends a retried record once", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 1, acks: 1, idempotent: true });
  log.step("p", publish(1), 0);
  assert.deepEqual(acks(log.step("p", publish(1), 5)), [1]);
  assert.deepEqual(log.leaderRecords(0), [1]);
  const plain = new PartitionedLog({ partitions: 1, replicas: 1, acks: 1 });
  plain.step("p", publish(1), 0);
  plain.step("p", publish(1), 5);
  assert.deepEqual(plain.leaderRecords(0), [1, 1]);
});

Deno.test("PartitionedLog rejects a commit from an older group generation", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 1 });
  log.step("p", publish(1), 0);
  log.step("c1", { type: "Poll", group: "g", max: 5, join: true }, 1); // generation 1
  log.step("c2", { type: "Poll", group: "g", max: 5, join: true }, 2); // generation 2
  const ref = { kind: "offset", partition: 0, offset: 0 } as const;
  log.step("c1", { type: "Settle", group: "g", generation: 1, ref }, 3);
  assert.equal(log.committed("g", 0), 0);
  log.step("c1", { type: "Settle", group: "g", generation: 2, ref }, 4);
  assert.equal(log.committed("g", 0), 1, "c1 owns partition 0 in generation 2 (range assignor)");
});

Deno.test("PartitionedLog rebalances when a member misses its session timeout", () => {
  const log = new PartitionedLog({ partitions: 4, replicas: 1, sessionTimeoutMs: 100 });
  log.step("c1", { type: "Poll", group: "g", max: 1, join: true }, 0);
  log.step("c2", { type: "Poll", group: "g", max: 1, join: true }, 0);
  assert.deepEqual(log.assignment("g"), { c1: [0, 1], c2: [2, 3] });
  log.step("c1", { type: "Poll", group: "g", max: 1, join: false }, 90);
  log.tick(150);
  assert.deepEqual(log.assignment("g"), { c1: [0, 1, 2, 3] });
  assert.deepEqual(log.rebalances.map((r) => r.reason), ["join", "join", "session-timeout"]);
});

Deno.test("PartitionedLog retention skips records a slow group never read", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 1, retentionRecords: 2 });
  log.step("c1", { type: "Poll", group: "g", max: 0, join: true }, 0);
  for (let id = 1; id <= 5; id++) log.step("p", publish(id), id);
  assert.deepEqual(log.leaderRecords(0), [4, 5]);
  assert.equal(log.expiredUnread, 3);
});

Deno.test("PartitionedLog validates its options, naming the option", () => {
  assert.throws(
    () => new PartitionedLog({ partitions: 0 }),
    /option partitions must be an integer in \[1, 64\], got 0/,
  );
  assert.throws(
    () => new PartitionedLog({ acks: 2 as never }),
    /option acks must be 0, 1 or "all"/,
  );
});

Deno.test("PartitionedLog's idempotent producer keeps order after a failover discards records", () => {
  const log = new PartitionedLog({ partitions: 1, replicas: 3, acks: "all", idempotent: true });
  const send = (id: number) => log.step("p", publish(id), 0);
  send(1);
  log.tick(1);
  send(2);
  send(3);
  log.failLeader(0); // 2 and 3 were never replicated: gone, and never acknowledged
  for (const id of [4, 2, 4, 3, 4]) send(id); // 4 is refused until 2 and 3 are back
  assert.deepEqual(log.leaderRecords(0), [1, 2, 3, 4]);
});
