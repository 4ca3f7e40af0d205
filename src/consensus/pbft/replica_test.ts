import assert from "node:assert/strict";
import { type ByzantineBehaviour, Simulation } from "../../sim/mod.ts";
import { pbftClient } from "./client.ts";
import { pbftReplica, type PbftReplicaProcess } from "./replica.ts";
import type { PbftMessage } from "./types.ts";

const NODES = ["r1", "r2", "r3", "r4"];

function cluster(
  options: { seed?: number; byzantine?: ByzantineBehaviour; authenticate?: boolean; ops?: number } =
    {},
) {
  const sim = new Simulation<PbftMessage>({
    seed: options.seed ?? 7,
    network: { authenticate: options.authenticate ?? true },
  });
  for (const id of NODES) sim.addNode(id, pbftReplica({ nodes: NODES }));
  for (const c of [1, 2]) {
    const ops = Array.from({ length: options.ops ?? 10 }, (_, i) => ({
      atMs: i * 10,
      op: i % 3 === 2 ? { f: "read" as const } : { f: "write" as const, value: c * 100 + i },
    }));
    sim.addNode(`c${c}`, pbftClient({ replicas: NODES, process: c, ops }));
  }
  if (options.byzantine) {
    sim.schedule([{ atMs: 0, kind: "byzantine", node: "r1", behaviour: options.byzantine }]);
  }
  sim.run({ untilMs: 5000 });
  const node = (id: string) => (sim.processOf(id) as PbftReplicaProcess).node!;
  const completed = sim.history.filter((e) => e.type === "ok").length;
  return { sim, node, completed };
}

Deno.test("Every request completes and every replica ends with the same state when nobody is faulty", () => {
  const { node, completed } = cluster();
  assert.equal(completed, 20);
  for (const id of NODES) {
    assert.equal(node(id).lastExecuted, 20);
    assert.deepEqual(node(id).state, node("r1").state);
  }
});

Deno.test("Stable checkpoints garbage-collect the log (PBFT §4.3)", () => {
  const { node } = cluster({ ops: 10 });
  for (const id of NODES) {
    assert.equal(node(id).stableSeq, 20, `${id} has a stable checkpoint at 20`);
    assert.equal(node(id).logSize, 0, `${id} kept no PrePrepare at or below it`);
  }
});

Deno.test("A silent primary is replaced by a view change and clients' requests still complete (PBFT §4.4)", () => {
  const { node, completed } = cluster({ byzantine: "silent" });
  assert.equal(completed, 20);
  for (const id of ["r2", "r3", "r4"]) assert.equal(node(id).view, 1);
});

for (const behaviour of ["equivocate", "lie", "forge"] as const) {
  Deno.test(`One Byzantine replica that does "${behaviour}" cannot stop four replicas from completing every request`, () => {
    const { node, completed } = cluster({ byzantine: behaviour });
    assert.equal(completed, 20);
    for (const id of ["r2", "r3", "r4"]) assert.deepEqual(node(id).state, node("r2").state);
  });
}

Deno.test("A replica that restarts after a crash stays down rather than vote again without its log", () => {
  const sim = new Simulation<PbftMessage>({ seed: 1 });
  for (const id of NODES) sim.addNode(id, pbftReplica({ nodes: NODES }));
  sim.schedule([{ atMs: 5, kind: "crash", node: "r4" }, { atMs: 10, kind: "restart", node: "r4" }]);
  sim.run({ untilMs: 20 });
  assert.equal((sim.processOf("r4") as PbftReplicaProcess).node, null);
});
