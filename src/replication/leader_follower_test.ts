import assert from "node:assert/strict";
import { Simulation } from "../sim/mod.ts";
import { acknowledgedWritesLost, splitBrain } from "../check/invariants/replication.ts";
import { ReplicaNode } from "./leader_follower_node.ts";
import {
  failoverManager,
  type FailoverManagerProcess,
  leaderFollowerClient,
  type LeaderFollowerClientProcess,
  leaderFollowerReplica,
  type ReplicaProcess,
} from "./leader_follower.ts";
import type { LeaderFollowerMessage, ReplicationMode } from "./leader_follower_node.ts";

function messageLog(node: ReplicaNode): string[] {
  return node.ready().messages.map(({ to, msg }) => {
    const fields = Object.entries(msg).filter(([k]) => k !== "type")
      .map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(" ");
    return `${node.id}->${to} ${msg.type} ${fields}`;
  });
}

Deno.test("An async leader acknowledges a write before any follower holds it", () => {
  const leader = new ReplicaNode({ id: "n1", peers: ["n2", "n3"], mode: "async" });
  leader.step("m", { type: "Promote", epoch: 1 });
  leader.ready();
  leader.step("c1", { type: "ClientWrite", requestId: 1, key: "x", value: 7 });
  assert.deepEqual(messageLog(leader), [
    'n1->n2 Replicate epoch:1 fromIndex:1 entries:[{"epoch":1,"key":"x","value":7}]',
    'n1->n3 Replicate epoch:1 fromIndex:1 entries:[{"epoch":1,"key":"x","value":7}]',
    'n1->c1 ClientWriteReply requestId:1 outcome:"ok" leader:"n1" version:{"counter":1000001,"writer":""}',
  ]);
});

Deno.test("A semi-sync leader waits for one follower and a sync leader for all", () => {
  for (const [mode, acksNeeded] of [["semi-sync", 1], ["sync", 2]] as const) {
    const leader = new ReplicaNode({ id: "n1", peers: ["n2", "n3"], mode });
    leader.step("m", { type: "Promote", epoch: 1 });
    leader.step("c1", { type: "ClientWrite", requestId: 1, key: "x", value: 7 });
    leader.ready();
    let replies = 0;
    for (const follower of ["n2", "n3"]) {
      leader.step(follower, { type: "ReplicateAck", epoch: 1, matchIndex: 1, ok: true });
      replies += leader.ready().messages.filter((m) => m.msg.type === "ClientWriteReply").length;
      if (follower === "n2") assert.equal(replies, acksNeeded === 1 ? 1 : 0, mode);
    }
    assert.equal(replies, 1, mode);
  }
});

Deno.test("A follower fences a deposed leader and the deposed leader steps down", () => {
  const follower = new ReplicaNode({ id: "n2", peers: ["n1", "n3"] });
  follower.step("m", { type: "NewLeader", epoch: 2, leader: "n3" });
  follower.ready();
  follower.step("n1", { type: "Replicate", epoch: 1, fromIndex: 1, entries: [] });
  assert.deepEqual(messageLog(follower), ["n2->n1 ReplicateAck epoch:2 matchIndex:0 ok:false"]);
  const old = new ReplicaNode({ id: "n1", peers: ["n2", "n3"], mode: "sync" });
  old.step("m", { type: "Promote", epoch: 1 });
  old.step("c1", { type: "ClientWrite", requestId: 9, key: "x", value: 1 });
  old.ready();
  old.step("n2", { type: "ReplicateAck", epoch: 2, matchIndex: 0, ok: false });
  assert.equal(old.role, "follower");
  assert.deepEqual(messageLog(old), [
    'n1->c1 ClientWriteReply requestId:9 outcome:"unknown" leader:null',
  ]);
});

Deno.test("A replica refuses a promotion that does not raise its epoch, unless unfenced", () => {
  const fenced = new ReplicaNode({ id: "n2", peers: ["n1"], epoch: 3 });
  fenced.step("m", { type: "Promote", epoch: 3 });
  assert.equal(fenced.role, "follower");
  const unfenced = new ReplicaNode({ id: "n2", peers: ["n1"], epoch: 3, variant: "no-fencing" });
  unfenced.step("m", { type: "Promote", epoch: 3 });
  assert.equal(unfenced.role, "leader");
});

Deno.test("ReplicaNode rejects bad options naming the option", () => {
  assert.throws(
    () => new ReplicaNode({ id: "n1", peers: [], mode: "eventual" as ReplicationMode }),
    /option mode must be one of sync, semi-sync, async/,
  );
  assert.throws(() => new ReplicaNode({ id: "n1", peers: ["n1"] }), /must not include/);
});

type LfProcess = ReplicaProcess | FailoverManagerProcess | LeaderFollowerClientProcess;

/** The old leader n1 is cut off with client c1 while c2 writes on the majority side. */
function isolateLeader(mode: ReplicationMode, variant: "correct" | "no-fencing", seed: number) {
  const replicas = ["n1", "n2", "n3"];
  const sim = new Simulation<LeaderFollowerMessage, LfProcess>({ seed });
  for (const id of replicas) sim.addNode(id, leaderFollowerReplica({ replicas, mode, variant }));
  sim.addNode("manager", failoverManager({ replicas, clients: ["c1", "c2"], variant }));
  const writes = (base: number) =>
    Array.from({ length: 40 }, (_, i) => ({
      atMs: 20 + i * 15,
      f: "write" as const,
      key: "x",
      value: base + i,
    }));
  sim.addNode(
    "c1",
    leaderFollowerClient({ process: 1, replicas, ops: writes(1000), timeoutMs: 50 }),
  );
  sim.addNode(
    "c2",
    leaderFollowerClient({ process: 2, replicas, ops: writes(2000), timeoutMs: 50 }),
  );
  sim.schedule([
    { atMs: 200, kind: "partition", groups: [["n1", "c1"], ["n2", "n3", "manager", "c2"]] },
    { atMs: 500, kind: "heal" },
  ]);
  sim.run({ untilMs: 1200 });
  const manager = sim.processOf("manager") as FailoverManagerProcess;
  const leader = sim.processOf(manager.leader) as ReplicaProcess;
  const sessions = ["c1", "c2"].flatMap((c) =>
    (sim.processOf(c) as LeaderFollowerClientProcess).sessions
  );
  const lost = acknowledgedWritesLost(sessions, leader.node.entries().map((e) => e.value));
  return { sim, lost, splitBrain: splitBrain(sim.trace.events) };
}

Deno.test("Async failover loses acknowledged writes; sync failover loses none", () => {
  for (const seed of [1, 2, 3]) {
    const async = isolateLeader("async", "correct", seed);
    assert.ok(async.lost.lost.length > 0, `seed ${seed}: async should lose acknowledged writes`);
    assert.equal(async.splitBrain.length, 0, `seed ${seed}: fenced epochs never split`);
    const sync = isolateLeader("sync", "correct", seed);
    assert.deepEqual(sync.lost.lost, [], `seed ${seed}`);
    assert.ok(sync.lost.acknowledged > 20, `seed ${seed}: sync still serves the majority side`);
  }
});

Deno.test("Failover without fencing lets two leaders accept writes in one epoch", () => {
  const run = isolateLeader("async", "no-fencing", 1);
  assert.equal(run.splitBrain.length, 1);
  assert.match(run.splitBrain[0].message, /epoch 1: n1 and n[23]/);
});
