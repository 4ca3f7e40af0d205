/**
 * Raft KV clusters on the simulator: durability across crash/restart, determinism, client
 * sessions, linearizable histories under faults, the four safety properties under random fault
 * schedules (fast-check), and each seed variant caught.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { describeFault } from "../../sim/mod.ts";
import { checkHistory, parseHistory } from "../../check/mod.ts";
import {
  createRaftCluster,
  type KvCommand,
  loadRaftState,
  RAFT_VARIANTS,
  raftKvHistoryJsonLines,
  raftServerOf,
} from "./mod.ts";
import {
  breakSchedule,
  faultSchedule,
  type FaultScheduleConstraints,
  raftSearchTarget,
  runCheckedRaft,
  search,
} from "../../check/mod.ts";
import type { Fault } from "../../sim/mod.ts";

const SERVERS = ["n1", "n2", "n3"];

/** One seeded schedule of crashes, partitions and loss bursts from the search's nemesis. */
function randomFaults(
  seed: number,
  nodes: readonly string[],
  constraints: Partial<FaultScheduleConstraints> = {},
): Fault[] {
  const kinds = ["crash", "partition", "loss"] as const;
  const arbitrary = faultSchedule(nodes, { horizonMs: 4000, kinds, ...constraints });
  return fc.sample(arbitrary, { seed, numRuns: 1 })[0] as Fault[];
}

Deno.test("A restarted server keeps currentTerm, votedFor and its log (Figure 2, persistent state)", () => {
  const { sim } = createRaftCluster({ seed: 5, clients: 1, operations: 30 });
  sim.run({ untilMs: 1500 });
  const before = raftServerOf(sim, "n2")!.node;
  const term = before.term, votedFor = before.votedFor, log = before.entries();
  assert.ok(log.length > 0, "the workload wrote entries");
  sim.schedule([{ atMs: 1501, kind: "crash", node: "n2" }]);
  sim.run({ untilMs: 1600 });
  const disk = loadRaftState(sim.storageOf("n2"));
  assert.deepEqual(disk.hardState, { currentTerm: term, votedFor });
  assert.deepEqual(disk.log, log);
  sim.schedule([{ atMs: 1601, kind: "restart", node: "n2" }]);
  sim.run({ untilMs: 1602 });
  const after = raftServerOf(sim, "n2")!.node;
  assert.equal(after.term, term);
  assert.equal(after.votedFor, votedFor);
  assert.deepEqual(after.entries(), log);
  assert.equal(after.commitIndex, 0, "commitIndex is volatile and relearned from the leader");
  sim.run({ untilMs: 3000 });
  const kv = (id: string) => raftServerOf(sim, id)!.kv.toJSON();
  assert.deepEqual(kv("n2"), kv("n1"), "replaying the log rebuilds the state machine");
});

Deno.test("The same seed gives the same trace, the same history and the same hash", () => {
  const run = () => {
    const { sim } = createRaftCluster({
      seed: 11,
      clients: 2,
      operations: 15,
      faults: randomFaults(11, SERVERS),
    });
    sim.run({ untilMs: 4000 });
    return { hash: sim.trace.hash(), history: raftKvHistoryJsonLines(sim) };
  };
  assert.deepEqual(run(), run());
});

Deno.test("Every client operation completes when the cluster is healthy, with or without pre-vote", () => {
  for (const preVote of [false, true]) {
    const { sim } = createRaftCluster({ seed: 2, servers: 5, clients: 3, operations: 20, preVote });
    sim.run({ untilMs: 5000 });
    const completions = sim.history.filter((op) => op.type !== "invoke");
    assert.equal(completions.length, 60);
    assert.ok(
      completions.every((op) => op.type === "ok" || (op.type === "fail" && op.f === "cas")),
    );
  }
});

Deno.test("A retried command is applied once: client sessions (§8)", () => {
  const { sim, servers } = createRaftCluster({ seed: 9, clients: 1, operations: 0 });
  sim.run({ untilMs: 1000 });
  const leader = servers.find((id) => raftServerOf(sim, id)?.node.role === "leader")!;
  const request = {
    type: "ClientRequest" as const,
    clientId: "c1",
    seq: 1,
    op: { f: "append" as const, key: "a", value: "x" },
  };
  // The same request three times, as a client retrying after timeouts would send it.
  for (const delay of [0, 1, 2]) {
    sim.at(1000 + delay, () => sim.processOf(leader)!.onMessage("c1", request));
  }
  sim.run({ untilMs: 2000 });
  for (const id of servers) {
    const process = raftServerOf(sim, id)!;
    assert.equal(process.kv.get("a"), "x", `${id} applied the append once`);
    const copies = process.node.entries().filter((e) => (e.command as KvCommand).seq === 1).length;
    assert.ok(copies >= 1);
  }
});

Deno.test("Raft KV histories are linearizable under crashes, partitions and loss", () => {
  for (let seed = 1; seed <= 12; seed++) {
    const { sim } = createRaftCluster({
      seed,
      servers: seed % 2 ? 3 : 5,
      clients: 4,
      operations: 25,
      faults: randomFaults(seed, seed % 2 ? SERVERS : [...SERVERS, "n4", "n5"], {
        clients: ["c1", "c2", "c3", "c4"],
      }),
    });
    sim.run({ untilMs: 6000 });
    const text = raftKvHistoryJsonLines(sim);
    const result = checkHistory(parseHistory(text), { model: "kv" });
    assert.equal(
      result.verdict,
      "linearizable",
      `seed ${seed}: ${JSON.stringify(result.violation)?.slice(0, 400)}`,
    );
  }
});

Deno.test("Correct Raft keeps its four safety properties under random fault schedules (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(3, 5),
      fc.integer({ min: 1, max: 10 }),
      fc.boolean(),
      (seed, servers, maxSteps, preVote) => {
        const ids = Array.from({ length: servers }, (_, i) => `n${i + 1}`);
        const faults = randomFaults(seed, ids, { maxSteps, clients: ["c1", "c2", "c3"] });
        const result = runCheckedRaft({
          seed,
          servers,
          clients: 3,
          operations: 20,
          faults,
          untilMs: 4500,
          preVote,
        });
        if (result.violations.length > 0) {
          throw new Error(
            `${result.violations[0].message}\nfaults:\n${faults.map(describeFault).join("\n")}`,
          );
        }
      },
    ),
    { numRuns: 100 },
  );
});

for (const variant of RAFT_VARIANTS) {
  if (variant === "correct") continue;
  Deno.test(`The hand-made fixture for ${variant} breaks it and not the correct Raft`, () => {
    const s = breakSchedule(variant, 1);
    const run = (v: typeof variant | "correct") =>
      runCheckedRaft({ ...s.options, variant: v, faults: s.faults, untilMs: s.untilMs });
    assert.ok(run(variant).violations.length > 0, `${variant} is caught`);
    assert.deepEqual(run("correct").violations, []);
  });
}

Deno.test("The fault-schedule search catches each seed variant and nothing in correct Raft", () => {
  for (const variant of RAFT_VARIANTS) {
    const result = search(raftSearchTarget({ variant }), { seed: 1, shrink: false });
    assert.equal(result.ok, variant === "correct", `${variant}: ${result.violations[0]?.message}`);
  }
});
