import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../sim/mod.ts";
import {
  counterStrategy,
  lwwStrategy,
  type MergeStrategy,
  type MultiLeaderMessage,
  type MultiLeaderProcess,
  multiLeaderReplica,
  siblingsStrategy,
} from "./multi_leader.ts";

const write = fc.record({
  replica: fc.constantFrom("r1", "r2", "r3"),
  value: fc.integer({ min: 0, max: 20 }),
  nowMs: fc.integer({ min: 0, max: 50 }),
});

function lawsHold<S>(strategy: MergeStrategy<S>, seed: number) {
  // Three replicas' states, each built from its own writes (the same replica writes at one place).
  const states = fc.tuple(fc.array(write), fc.array(write), fc.array(write)).map((lists) =>
    lists.map((list, i) =>
      list.reduce(
        (s, w) => strategy.write(s, w.value, { ...w, replica: `r${i + 1}` }),
        strategy.initial(),
      )
    )
  );
  const same = (a: S, b: S) => assert.deepEqual(strategy.read(a).sort(), strategy.read(b).sort());
  fc.assert(
    fc.property(states, ([a, b, c]) => {
      same(strategy.merge(a, b), strategy.merge(b, a));
      same(strategy.merge(strategy.merge(a, b), c), strategy.merge(a, strategy.merge(b, c)));
      same(strategy.merge(a, a), a);
    }),
    { seed, numRuns: 200 },
  );
}

Deno.test("Every merge strategy is commutative, associative and idempotent", () => {
  lawsHold(lwwStrategy, 11);
  lawsHold(siblingsStrategy, 12);
  lawsHold(counterStrategy, 13);
});

/** Two leaders on either side of a partition each take writes, then heal and gossip. */
function partitioned<S>(strategy: MergeStrategy<S>) {
  const replicas = ["r1", "r2"];
  const sim = new Simulation<MultiLeaderMessage>({ seed: 4 });
  for (const id of replicas) {
    sim.addNode(id, multiLeaderReplica({ strategy, replicas, gossipMs: 50 }));
  }
  sim.addNode("c", (rt) => ({
    onStart() {
      rt.setTimer(20, "write", "r1");
      rt.setTimer(30, "write", "r2");
    },
    onTimer(_tag, to) {
      rt.send(to as string, {
        type: "LeaderPut",
        requestId: 1,
        key: "k",
        value: to === "r1" ? 1 : 2,
      });
    },
    onMessage() {},
  }));
  sim.schedule([
    { atMs: 10, kind: "partition", groups: [["r1", "c"], ["r2"]] },
    { atMs: 25, kind: "partition", groups: [["r1"], ["r2", "c"]] },
    { atMs: 100, kind: "heal" },
  ]);
  sim.run({ untilMs: 300 });
  return replicas.map((id) => (sim.processOf(id) as MultiLeaderProcess).read("k").sort());
}

Deno.test("After a partition heals, LWW keeps one of two acknowledged writes and drops the other", () => {
  const [r1, r2] = partitioned(lwwStrategy);
  assert.deepEqual(r1, r2, "replicas converge");
  assert.deepEqual(r1, [2], "the later stamp wins; write 1 was acknowledged and is gone");
});

Deno.test("After a partition heals, siblings keep both writes and a counter keeps both increments", () => {
  assert.deepEqual(partitioned(siblingsStrategy), [[1, 2], [1, 2]]);
  assert.deepEqual(partitioned(counterStrategy), [[3], [3]]);
});
