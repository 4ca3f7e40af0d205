/**
 * CRDTs: the cost of merging states of each type (built from 500 random updates at 5
 * replicas), with the G-Counter as the baseline; delta vs whole-state merges of the OR-Set;
 * and one crdt-converge run per gossip mode.
 *
 *   deno bench -A tests/bench/crdt_bench.ts
 */
import { applyCrdtOp, CRDT_TYPE_NAMES, crdtTypeByName, randomCrdtOp } from "../../src/crdt/mod.ts";
import { runCrdtCluster } from "../../src/check/mod.ts";
import { Random } from "../../src/sim/mod.ts";

const replicas = ["r1", "r2", "r3", "r4", "r5"];

// Two states that share most history and differ in the last updates, as gossip partners do.
function statesOf(name: string): { a: unknown; b: unknown; delta: unknown } {
  const type = crdtTypeByName(name);
  const random = new Random(1);
  let a = type.initial(), b = type.initial(), delta = type.initial();
  for (let i = 0; i < 500; i++) {
    const replica = random.pick(replicas);
    const op = randomCrdtOp(name, random, { l: i, c: 0, node: replica });
    const r = applyCrdtOp(type, i % 2 === 0 ? a : b, op, replica);
    if (i % 2 === 0) a = r.state;
    else b = r.state;
    delta = r.delta;
    if (i < 450 && i % 50 === 0) [a, b] = [type.merge(a, b), type.merge(b, a)];
  }
  return { a, b, delta };
}

for (const name of CRDT_TYPE_NAMES) {
  const type = crdtTypeByName(name);
  const { a, b } = statesOf(name);
  Deno.bench(`merge two ${name} states (100 merges)`, {
    group: "merge",
    baseline: name === "g-counter",
  }, () => {
    for (let i = 0; i < 100; i++) type.merge(a, b);
  });
}

const o = crdtTypeByName("or-set");
const orStates = statesOf("or-set");
Deno.bench("OR-Set: merge a whole state (100 merges)", {
  group: "or-set delta vs state",
  baseline: true,
}, () => {
  for (let i = 0; i < 100; i++) o.merge(orStates.a, orStates.b);
});
Deno.bench("OR-Set: merge one delta (100 merges)", { group: "or-set delta vs state" }, () => {
  for (let i = 0; i < 100; i++) o.merge(orStates.a, orStates.delta);
});

for (const mode of ["state", "delta"] as const) {
  Deno.bench(`crdt-converge run, or-set, 4 replicas, 100 updates, ${mode} mode`, {
    group: "cluster",
    baseline: mode === "state",
  }, () => {
    runCrdtCluster({ type: "or-set", seed: 1, replicas: 4, updates: 100, partitions: 2, mode });
  });
}
