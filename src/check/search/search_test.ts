import assert from "node:assert/strict";
import fc from "fast-check";
import { type Fault, type Message, Simulation, validateFault } from "../../sim/mod.ts";
import {
  clientWorkload,
  faultSchedule,
  replay,
  runCase,
  search,
  type SearchTarget,
} from "./search.ts";
import { paxosSearchTarget } from "./paxos_target.ts";

/** A toy system whose only "invariant" is that n2 never crashes while n1 is partitioned. */
const toy: SearchTarget<Message> = {
  nodes: ["n1", "n2", "n3"],
  horizonMs: 200,
  build: (testCase) => {
    const sim = new Simulation({ seed: testCase.seed });
    for (const id of ["n1", "n2", "n3"]) sim.addNode(id, () => ({ onMessage() {} }));
    return sim;
  },
  invariants: [
    ({ events }) =>
      events.filter((e) => e.kind === "crash" && e.node === "n2").map((e) => ({
        invariant: "n2-stays-up",
        message: `n2 crashed at ${e.t}ms`,
        atMs: e.t,
      })),
  ],
  faults: { kinds: ["crash", "partition", "loss"], maxSteps: 8 },
};

Deno.test("search shrinks a failing schedule to the one fault that matters", () => {
  const result = search(toy, { seed: 11, numRuns: 200 });
  assert.equal(result.ok, false);
  assert.equal(result.counterexample!.faults.length, 1);
  assert.deepEqual(result.counterexample!.faults[0], { atMs: 0, kind: "crash", node: "n2" });
  assert.deepEqual(result.schedule!.slice(1), ["0.000ms nemesis crash n2"]);
  assert.match(result.trace!, /0\.000ms n2 CRASH/);
  assert.equal(result.violations[0].invariant, "n2-stays-up");
});

Deno.test("search is deterministic per seed and replay(seed, path) reruns the counterexample", () => {
  const a = search(toy, { seed: 5, numRuns: 100 });
  const b = search(toy, { seed: 5, numRuns: 100 });
  assert.deepEqual(a, b);
  const again = replay(toy, a.replay!);
  assert.equal(again.ok, false);
  assert.equal(again.casesRun, 1);
  assert.deepEqual(again.counterexample, a.counterexample);
});

Deno.test("runCase reruns a counterexample from data alone", () => {
  const found = search(paxosSearchTarget({ protocol: "single", variant: "forget-accepted" }), {
    seed: 1,
    numRuns: 300,
  });
  const target = paxosSearchTarget({ protocol: "single", variant: "forget-accepted" });
  const outcome = runCase(target, JSON.parse(JSON.stringify(found.counterexample)));
  assert.deepEqual(outcome.violations, found.violations);
});

Deno.test("generated schedules are valid kernel faults, sorted and inside the horizon", () => {
  const nodes = ["n1", "n2", "n3", "n4", "n5"];
  fc.assert(
    fc.property(faultSchedule(nodes, { horizonMs: 1000, maxSteps: 10 }), (faults) => {
      faults.forEach((f, i) => {
        validateFault(f as Fault, new Set(nodes));
        assert.ok(f.atMs >= 0 && f.atMs < 1000);
        if (i > 0) assert.ok(faults[i - 1].atMs <= f.atMs);
      });
    }),
  );
  fc.assert(
    fc.property(clientWorkload(nodes, { horizonMs: 500, minOps: 2, maxOps: 4 }), (ops) => {
      assert.ok(ops.length >= 2 && ops.length <= 4);
      assert.ok(ops.every((op) => nodes.includes(op.node) && op.atMs < 500));
    }),
  );
});

Deno.test("leader verbs hit whoever leads when they fire, and partitions keep clients on a side", () => {
  const leaderTarget: SearchTarget<Message> = {
    ...toy,
    clients: ["c1"],
    // The lowest-numbered server that is up leads.
    leader: (sim) => ["n1", "n2", "n3"].find((n) => sim.isUp(n)) ?? null,
    build: (testCase) => toy.build(testCase).addNode("c1", () => ({ onMessage() {} })),
    invariants: [
      ({ events }) =>
        events.flatMap((e) =>
          e.kind === "fault" && e.fault.kind === "partition" && e.fault.groups[0][0] === "n1"
            ? [{ invariant: "n1-not-isolated", message: JSON.stringify(e.fault.groups), atMs: e.t }]
            : []
        ),
    ],
    faults: { kinds: ["isolate-leader", "crash-leader"], maxSteps: 4 },
  };
  const result = search(leaderTarget, { seed: 3, numRuns: 100 });
  assert.equal(result.ok, false);
  assert.deepEqual(result.counterexample!.faults.map((f) => f.kind), ["isolate-leader"]);
  assert.match(result.schedule![1], /^0\.000ms nemesis isolate-leader/);
  assert.match(result.trace!, /nemesis partition n1(,c1)? \| n2,n3/);
  assert.throws(
    () => search({ ...leaderTarget, leader: undefined }),
    /uses a leader-aimed verb \(crash-leader, isolate-leader, leader-churn\) but has no leader\(sim\)/,
  );
});

Deno.test("search options are validated up front", () => {
  assert.throws(() => search(toy, { numRuns: 0 }), /numRuns must be an integer >= 1/);
  assert.throws(() => faultSchedule([], { horizonMs: 100 }), /nodes must be a non-empty list/);
  assert.throws(
    () => faultSchedule(["n1"], { horizonMs: 100, kinds: ["meteor" as never] }),
    /kinds must be among/,
  );
});

// Each broken variant is caught within a bounded budget, with a short counterexample. The
// seeds are pinned; the budgets leave headroom over what these seeds need (see the report).
const CATCH_BUDGET = 300;
for (const protocol of ["single", "multi"] as const) {
  Deno.test(`search catches ${protocol} Paxos forget-accepted within ${CATCH_BUDGET} cases`, () => {
    for (const seed of [1, 2, 3]) {
      const result = search(paxosSearchTarget({ protocol, variant: "forget-accepted" }), {
        seed,
        numRuns: CATCH_BUDGET,
      });
      assert.equal(result.ok, false, `seed ${seed} found nothing`);
      assert.equal(result.violations[0].invariant, "paxos-agreement");
      assert.ok(result.counterexampleSize! <= 5, `seed ${seed}: ${result.schedule!.join("\n")}`);
    }
  });
}

// The correct implementations survive a large budget (10 000 + 5000 cases, a few seconds).
for (const [protocol, numRuns] of [["single", 10_000], ["multi", 5000]] as const) {
  Deno.test(`${protocol} Paxos survives ${numRuns} generated fault schedules`, () => {
    const result = search(paxosSearchTarget({ protocol }), { seed: 2026, numRuns });
    assert.equal(
      result.ok,
      true,
      `${result.schedule?.join("\n")}\n${result.violations[0]?.message}\nreplay ${
        JSON.stringify(result.replay)
      }`,
    );
    assert.equal(result.casesRun, numRuns);
  });
}

// How a new pattern plugs in (see the module doc of search.ts): a toy primary-backup register.
// The client writes to n1; n1 copies the value to n2 and n3 and answers WriteOk. The correct
// primary answers after a backup has acknowledged the copy; the broken one answers at once,
// so a partition makes it acknowledge a write that no backup holds.
type ToyMessage =
  | { type: "Write"; value: number }
  | { type: "Copy"; value: number }
  | { type: "CopyAck"; value: number }
  | { type: "WriteOk"; value: number };

function primaryBackupTarget(broken: boolean): SearchTarget<ToyMessage> {
  const nodes = ["n1", "n2", "n3"];
  return {
    nodes,
    clients: ["client"],
    horizonMs: 300,
    faults: { kinds: ["partition", "crash"], maxSteps: 3 },
    workload: { functions: ["write"], clients: 1, minOps: 1, maxOps: 3 },
    build(testCase) {
      const sim = new Simulation<ToyMessage>({ seed: testCase.seed });
      sim.addNode("n1", (rt) => ({
        onMessage(_from, msg) {
          if (msg.type === "Write") {
            for (const backup of ["n2", "n3"]) rt.send(backup, { type: "Copy", value: msg.value });
            if (broken) rt.send("client", { type: "WriteOk", value: msg.value });
          } else if (msg.type === "CopyAck" && !broken) {
            rt.send("client", { type: "WriteOk", value: msg.value });
          }
        },
      }));
      for (const backup of ["n2", "n3"]) {
        sim.addNode(backup, (rt) => ({
          onMessage(from, msg) {
            if (msg.type === "Copy") rt.send(from, { type: "CopyAck", value: msg.value });
          },
        }));
      }
      // The workload drives a scripted client: one Write per generated operation.
      sim.addNode("client", (rt) => ({
        onStart() {
          testCase.workload.forEach((op) => rt.setTimer(op.atMs, "write", op.value));
        },
        onMessage() {},
        onTimer(_tag, value) {
          rt.send("n1", { type: "Write", value: value as number });
        },
      }));
      return sim;
    },
    // The invariant reads the trace: every acknowledged write reached a backup.
    invariants: [({ events }) =>
      events.flatMap((e) => {
        // Copies sent in the last 50 ms may still be in flight at the horizon, not lost.
        if (e.kind !== "send" || e.msg.type !== "WriteOk" || e.t > 250) return [];
        const value = (e.msg as ToyMessage).value;
        const copied = events.some((d) =>
          d.kind === "deliver" && d.msg.type === "Copy" &&
          (d.msg as ToyMessage).value === value
        );
        return copied ? [] : [{
          invariant: "acknowledged-write-is-replicated",
          message: `n1 acknowledged write ${value} but no backup ever held it`,
          atMs: e.t,
        }];
      })],
  };
}

Deno.test("a new pattern plugs in as a target: the search catches a primary that acks too early", () => {
  const broken = search(primaryBackupTarget(true), { seed: 1 });
  assert.equal(broken.ok, false);
  assert.equal(broken.violations[0].invariant, "acknowledged-write-is-replicated");
  assert.ok(broken.counterexampleSize! <= 3, broken.schedule!.join("\n"));
  assert.ok(broken.counterexample!.faults.length >= 1, "it takes a fault to lose the copies");
  assert.deepEqual(
    replay(primaryBackupTarget(true), broken.replay!).counterexample,
    broken.counterexample,
  );
  assert.equal(search(primaryBackupTarget(false), { seed: 1, numRuns: 300 }).ok, true);
});
