/**
 * Replication: Merkle anti-entropy against shipping everything (the baseline), and quorum reads
 * at R = 1 against R = N and ABD, each group with its baseline in the same run.
 *
 *   deno bench -A tests/bench/replication_bench.ts
 */
import { fullSync, merkleSync } from "../../src/replication/mod.ts";
import { runQuorumOnce } from "../../src/experiments/quorum.ts";
import { runFailoverOnce } from "../../src/experiments/replication_failover.ts";

const v = (counter: number) => ({ value: counter, version: { counter, writer: "w" } });
const a = new Map(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, v(1)]));
const b = new Map(a);
for (let i = 0; i < 20; i++) b.set(`k${i * 997}`, v(2));

Deno.bench("full sync, 20 000 keys, 20 differ", { group: "anti-entropy", baseline: true }, () => {
  fullSync(a, b);
});
Deno.bench("Merkle sync (depth 12), 20 000 keys, 20 differ", { group: "anti-entropy" }, () => {
  merkleSync(a, b, { depth: 12 });
});

const workload = { replicas: 3, clients: 3, opsPerClient: 20, meanLatencyMs: 5 };
Deno.bench("quorum run, R = W = 1 (clock versions)", { group: "quorum", baseline: true }, () => {
  runQuorumOnce({
    ...workload,
    quorum: { n: 3, r: 1, w: 1, writeVersions: "clock", readRepair: "async" },
  }, 1);
});
Deno.bench("quorum run, R = W = 3 (clock versions)", { group: "quorum" }, () => {
  runQuorumOnce({
    ...workload,
    quorum: { n: 3, r: 3, w: 3, writeVersions: "clock", readRepair: "async" },
  }, 1);
});
Deno.bench("quorum run, ABD R = W = 2", { group: "quorum" }, () => {
  runQuorumOnce({ ...workload, quorum: { n: 3, r: 2, w: 2 } }, 1);
});

const failover = {
  fault: "partition",
  failover: "automatic",
  variant: "correct",
  lagMs: 10,
  writes: 30,
} as const;
Deno.bench("failover run, async", { group: "failover", baseline: true }, () => {
  runFailoverOnce("async", failover, 1);
});
Deno.bench("failover run, sync", { group: "failover" }, () => {
  runFailoverOnce("sync", failover, 1);
});
