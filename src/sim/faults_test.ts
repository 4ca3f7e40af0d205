import assert from "node:assert/strict";
import { applyFault, describeFault, FAULT_KINDS, validateFault } from "./faults.ts";
import type { Fault, FaultTarget } from "./faults.ts";
import { Simulation } from "./simulation.ts";

const NODES = new Set(["n1", "n2", "n3"]);

/** One fault of every kind. */
const EVERY_KIND: Fault[] = [
  { atMs: 0, kind: "crash", node: "n1" },
  { atMs: 0, kind: "restart", node: "n1" },
  { atMs: 0, kind: "partition", groups: [["n1"], ["n2", "n3"]] },
  { atMs: 0, kind: "cut", from: "n1", to: "n2" },
  { atMs: 0, kind: "heal" },
  { atMs: 0, kind: "clock-jump", node: "n2", deltaMs: -50 },
  { atMs: 0, kind: "clock-drift", node: "n2", driftPpm: 200 },
  { atMs: 0, kind: "slow", node: "n3", processingMs: 5 },
  { atMs: 0, kind: "network", set: { lossProbability: 0.1 } },
  { atMs: 0, kind: "join", node: "n3" },
  { atMs: 0, kind: "leave", node: "n3" },
  { atMs: 0, kind: "forge", from: "n1", to: "n2", msg: { type: "Vote" } },
  { atMs: 0, kind: "storm", from: "n1", to: "n2", count: 3, msg: { type: "Retry" } },
  { atMs: 0, kind: "byzantine", node: "n1", behaviour: "equivocate" },
];

Deno.test("Every fault kind is listed, described on one line and valid against known nodes", () => {
  assert.deepEqual(EVERY_KIND.map((f) => f.kind), [...FAULT_KINDS]);
  for (const fault of EVERY_KIND) {
    validateFault(fault, NODES);
    assert.doesNotMatch(describeFault(fault), /\n/);
  }
  assert.equal(describeFault(EVERY_KIND[2]), "partition n1 | n2,n3");
});

Deno.test("validateFault names an unknown node and an unknown kind", () => {
  assert.throws(() => validateFault({ atMs: 0, kind: "cut", from: "n1", to: "n9" }, NODES), /"n9"/);
  const bogus = { atMs: 0, kind: "meteor" } as unknown as Fault;
  assert.throws(() => validateFault(bogus, NODES), /kind must be one of/);
  assert.throws(() => describeFault(bogus), /Unknown fault kind "meteor"/);
});

Deno.test("applyFault sends partitions to the network and crashes to the hosts", () => {
  const sim = new Simulation({ seed: 1 });
  for (const id of NODES) sim.addNode(id, () => ({ onMessage() {} }));
  sim.run({ untilMs: 1 });
  sim.apply({ kind: "partition", groups: [["n1"], ["n2", "n3"]] });
  sim.apply({ kind: "crash", node: "n2" });
  assert.equal(sim.isUp("n2"), false);
  const calls: string[] = [];
  const target = {
    network: { partition: () => calls.push("network.partition") },
    crash: (node: string) => calls.push(`crash ${node}`),
  } as unknown as FaultTarget;
  applyFault({ atMs: 0, kind: "partition", groups: [["n1"]] }, target);
  applyFault({ atMs: 0, kind: "crash", node: "n1" }, target);
  assert.deepEqual(calls, ["network.partition", "crash n1"]);
  assert.throws(
    () => applyFault({ atMs: 0, kind: "meteor" } as unknown as Fault, target),
    /Unknown fault kind "meteor"/,
  );
});

Deno.test("A byzantine fault hands the node to an adversary whose forgeries fail authentication", () => {
  for (const authenticate of [false, true]) {
    const got: string[] = [];
    const sim = new Simulation({ seed: 1, network: { authenticate } });
    sim.addNode("n1", (rt) => ({
      onMessage() {},
      onTimer() {
        rt.adversary?.()?.forge("n3", "n2", { type: "Vote" });
      },
      onStart() {
        assert.equal(rt.adversary?.(), null);
        rt.setTimer(5, "act");
      },
    }));
    sim.addNode("n2", () => ({ onMessage: (from, msg) => void got.push(`${from} ${msg.type}`) }));
    sim.addNode("n3", () => ({ onMessage() {} }));
    sim.schedule([{ atMs: 1, kind: "byzantine", node: "n1", behaviour: "forge" }]);
    sim.run({ untilMs: 100 });
    assert.deepEqual(got, authenticate ? [] : ["n3 Vote"]);
    assert.equal(sim.stats.dropped["auth-failed"], authenticate ? 1 : 0);
  }
  assert.throws(
    () =>
      validateFault(
        { atMs: 0, kind: "byzantine", node: "n1", behaviour: "sneaky" } as unknown as Fault,
        NODES,
      ),
    /behaviour must be one of equivocate, lie, silent, forge/,
  );
});
