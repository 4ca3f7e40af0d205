import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../sim/mod.ts";
import { epaxosReplica, type EpaxosReplicaProcess } from "./replica.ts";
import { epaxosClient, type EpaxosClientOp } from "./client.ts";
import type { EpaxosMessage } from "./types.ts";

const SEED = 4242;

/** Per client: writes and reads on keys x and y at times in [0, 200) ms. */
const workload = fc.array(
  fc.array(
    fc.record({
      atMs: fc.integer({ min: 0, max: 199 }),
      write: fc.boolean(),
      key: fc.constantFrom("x", "y"),
    }),
    { maxLength: 5 },
  ),
  { minLength: 3, maxLength: 3 },
);

function cluster(simSeed: number, plan: { atMs: number; write: boolean; key: string }[][]) {
  const nodes = ["r1", "r2", "r3"];
  const sim = new Simulation<EpaxosMessage>({
    seed: simSeed,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
  });
  for (const id of nodes) sim.addNode(id, epaxosReplica({ nodes, recoveryTimeoutMs: 200 }));
  plan.forEach((ops, i) => {
    const scripted: EpaxosClientOp[] = [...ops].sort((a, b) => a.atMs - b.atMs).map((o, k) => ({
      atMs: o.atMs,
      op: o.write ? { f: "write", key: o.key, value: i * 10 + k } : { f: "read", key: o.key },
    }));
    sim.addNode(`c${i + 1}`, epaxosClient({ replica: nodes[i], process: i + 1, ops: scripted }));
  });
  return { sim, nodes };
}

Deno.test("With a slow, reordering network and no failures, every EPaxos operation completes and every replica ends with the same store", () => {
  const result = fc.check(
    fc.property(fc.integer({ min: 1, max: 1000 }), workload, (simSeed, plan) => {
      const { sim, nodes } = cluster(simSeed, plan);
      sim.run({ untilMs: 3000 });
      const invoked = sim.history.filter((e) => e.type === "invoke").length;
      const ok = sim.history.filter((e) => e.type === "ok").length;
      if (invoked !== plan.flat().length || ok !== invoked) return false;
      const stores = nodes.map((n) => {
        const node = (sim.processOf(n) as EpaxosReplicaProcess).node;
        return JSON.stringify([node.read("x"), node.read("y"), node.executed.length]);
      });
      return new Set(stores).size === 1;
    }),
    { seed: SEED, numRuns: 60 },
  );
  assert.ok(
    !result.failed,
    `${JSON.stringify(result.counterexample)}; replay with ${
      JSON.stringify({ seed: SEED, path: result.failed ? result.counterexamplePath : "" })
    }`,
  );
});

Deno.test("A replica that crashes and restarts reloads its instances from storage and executes the conflicting ones again in the same order", () => {
  const { sim, nodes } = cluster(7, [
    [{ atMs: 0, write: true, key: "x" }, { atMs: 5, write: true, key: "y" }],
    [{ atMs: 0, write: true, key: "x" }],
    [{ atMs: 1, write: true, key: "x" }],
  ]);
  sim.run({ untilMs: 500 });
  // r1.2 writes y: it conflicts with nothing, so its place among the x writes may change.
  const onX = (ids: readonly string[]) => ids.filter((id) => id !== "r1.2").join();
  const before = onX((sim.processOf("r1") as EpaxosReplicaProcess).node.executed);
  sim.schedule([{ atMs: 510, kind: "crash", node: "r1" }, {
    atMs: 600,
    kind: "restart",
    node: "r1",
  }]);
  sim.run({ untilMs: 1000 });
  const after = (sim.processOf("r1") as EpaxosReplicaProcess).node;
  assert.equal(after.executed.length, 4);
  assert.equal(onX(after.executed), before);
  const x = (sim.processOf(nodes[1]) as EpaxosReplicaProcess).node.read("x");
  assert.equal(after.read("x"), x);
});
