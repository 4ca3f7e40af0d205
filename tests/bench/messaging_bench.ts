/**
 * Messaging: the brokers' cost per message, and one measured delivery run per system at the
 * experiments' defaults. Each group has a baseline in the same run.
 *
 *   deno bench -A tests/bench/messaging_bench.ts
 */
import { AckStream, PartitionedLog, WorkQueue } from "../../src/messaging/mod.ts";
import { runDelivery } from "../../src/check/mod.ts";

const publish = (id: number) =>
  ({
    type: "Publish",
    producerId: "p",
    seq: id,
    record: { id, key: `k${id % 8}`, value: id },
  }) as const;

function publishAndDrain(broker: PartitionedLog | WorkQueue | AckStream, n: number): void {
  for (let id = 1; id <= n; id++) {
    broker.step("p", publish(id), id);
    if (id % 10 === 0) broker.tick(id);
  }
  for (let t = 0; t < n / 10; t++) {
    broker.step("c1", { type: "Poll", group: "g", max: 10, join: t === 0 }, n + t);
  }
}

Deno.bench("work queue: 1000 publishes + polls", { group: "broker", baseline: true }, () => {
  publishAndDrain(new WorkQueue(), 1000);
});
Deno.bench("log acks=1: 1000 publishes + polls", { group: "broker" }, () => {
  publishAndDrain(new PartitionedLog({ acks: 1 }), 1000);
});
Deno.bench("log acks=all, idempotent: 1000 publishes + polls", { group: "broker" }, () => {
  publishAndDrain(new PartitionedLog({ acks: "all", idempotent: true }), 1000);
});
Deno.bench("stream with dedupe: 1000 publishes + polls", { group: "broker" }, () => {
  publishAndDrain(new AckStream({ deduplicate: true }), 1000);
});

Deno.bench("runDelivery log at-least-once, no faults", { group: "run", baseline: true }, () => {
  runDelivery({ system: "log", setting: "at-least-once", seed: 1, faults: "none" });
});
for (const system of ["log", "queue", "stream"] as const) {
  Deno.bench(`runDelivery ${system} effectively-once, all faults`, { group: "run" }, () => {
    runDelivery({ system, setting: "effectively-once", seed: 1, faults: "all" });
  });
}
