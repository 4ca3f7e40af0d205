/**
 * Message-log tests of the pure Multi-Paxos replica, in the style of etcd-io/raft: a tiny
 * in-memory network delivers messages in FIFO order, without the simulator, and each test
 * expects the exact log of messages sent (`n1->n2 Prepare ballot=(1,n1) fromSlot=0`).
 */
import assert from "node:assert/strict";
import type { Ballot } from "./ballot.ts";
import {
  type MultiPaxosMessage,
  MultiPaxosNode,
  type MultiPaxosOptions,
  type MultiPaxosReady,
  PAXOS_NOOP,
  type SlotProposal,
} from "./multi_paxos_node.ts";

const NODES = ["n1", "n2", "n3"];

const ballot = (b: Ballot) => `(${b.round},${b.proposer})`;

/** One line per message: sender, receiver, type and fields, ballots as (round,proposer). */
function describe(from: string, to: string, msg: MultiPaxosMessage): string {
  const head = `${from}->${to} ${msg.type}`;
  switch (msg.type) {
    case "Request":
      return `${head} command=${msg.command}`;
    case "Prepare":
      return `${head} ballot=${ballot(msg.ballot)} fromSlot=${msg.fromSlot}`;
    case "Promise":
      return `${head} ballot=${ballot(msg.ballot)} accepted=[${
        msg.accepted.map((p) => `${p.slot}:${ballot(p.ballot)}:${p.value}`).join(" ")
      }]`;
    case "Accept":
    case "Accepted":
      return `${head} ballot=${ballot(msg.ballot)} slot=${msg.slot} value=${msg.value}`;
    case "Nack":
      return `${head} ballot=${ballot(msg.ballot)} promised=${ballot(msg.promised)}`;
    case "Decide":
      return `${head} slot=${msg.slot} value=${msg.value}`;
    case "Heartbeat":
      return `${head} ballot=${ballot(msg.ballot)} firstUnchosen=${msg.firstUnchosen}`;
    case "CatchUp":
      return `${head} fromSlot=${msg.fromSlot}`;
  }
}

interface Recovered {
  promised?: Ballot;
  accepted?: SlotProposal[];
}

/** A FIFO network of pure replicas sharing one clock; `log` holds every message sent. */
class Network {
  readonly nodes = new Map<string, MultiPaxosNode>();
  readonly log: string[] = [];
  readonly readies: { node: string; ready: MultiPaxosReady }[] = [];
  nowMs = 0;
  #queue: { from: string; to: string; msg: MultiPaxosMessage }[] = [];

  constructor(options: Partial<MultiPaxosOptions> = {}, recovered: Record<string, Recovered> = {}) {
    for (const id of NODES) {
      const node = new MultiPaxosNode({
        nodes: NODES,
        ...options,
        ...recovered[id],
        id,
        random: () => 0,
        now: () => this.nowMs,
      });
      this.nodes.set(id, node);
      node.start();
      node.ready();
    }
  }

  node(id: string): MultiPaxosNode {
    return this.nodes.get(id)!;
  }

  send(from: string, to: string, msg: MultiPaxosMessage): void {
    this.log.push(describe(from, to, msg));
    this.#queue.push({ from, to, msg });
  }

  /** Delivers queued messages (except those `drop` refuses) until none is left. */
  run(drop: (from: string, to: string) => boolean = () => false): void {
    for (let steps = 0; this.#queue.length > 0; steps++) {
      assert.ok(steps < 1000, "the message log must settle");
      const { from, to, msg } = this.#queue.shift()!;
      if (drop(from, to)) continue;
      this.node(to).step(from, msg);
      this.#drain(to);
    }
  }

  /** Fires a replica's election timer. */
  electionTimeout(id: string): void {
    this.node(id).electionTimeout();
    this.#drain(id);
  }

  /** Fires a replica's heartbeat timer. */
  heartbeatTimeout(id: string): void {
    this.node(id).heartbeatTimeout();
    this.#drain(id);
  }

  #drain(id: string): void {
    const ready = this.node(id).ready();
    this.readies.push({ node: id, ready });
    for (const out of ready.messages) this.send(id, out.to, out.msg);
  }
}

/** A cluster where n1 has won the election of ballot (1,n1); the log starts after that. */
function withLeader(options: Partial<MultiPaxosOptions> = {}): Network {
  const net = new Network(options);
  net.electionTimeout("n1");
  net.run();
  assert.equal(net.node("n1").role, "leader");
  net.log.length = 0;
  return net;
}

Deno.test("A replica that hears no leader stands, wins a quorum of promises and heartbeats", () => {
  const net = new Network();
  net.electionTimeout("n1");
  net.run();
  assert.deepEqual(net.log, [
    "n1->n1 Prepare ballot=(1,n1) fromSlot=0",
    "n1->n2 Prepare ballot=(1,n1) fromSlot=0",
    "n1->n3 Prepare ballot=(1,n1) fromSlot=0",
    "n1->n1 Promise ballot=(1,n1) accepted=[]",
    "n2->n1 Promise ballot=(1,n1) accepted=[]",
    "n3->n1 Promise ballot=(1,n1) accepted=[]",
    "n1->n2 Heartbeat ballot=(1,n1) firstUnchosen=0",
    "n1->n3 Heartbeat ballot=(1,n1) firstUnchosen=0",
  ]);
  assert.deepEqual(NODES.map((id) => net.node(id).role), ["leader", "follower", "follower"]);
  assert.equal(net.node("n2").leaderHint, "n1");
});

Deno.test("The leader runs phase 2 alone for a request and tells every learner (§3)", () => {
  const net = withLeader();
  net.send("client", "n1", { type: "Request", command: "x" });
  net.run();
  assert.deepEqual(net.log, [
    "client->n1 Request command=x",
    "n1->n1 Accept ballot=(1,n1) slot=0 value=x",
    "n1->n2 Accept ballot=(1,n1) slot=0 value=x",
    "n1->n3 Accept ballot=(1,n1) slot=0 value=x",
    "n1->n1 Accepted ballot=(1,n1) slot=0 value=x",
    "n2->n1 Accepted ballot=(1,n1) slot=0 value=x",
    "n3->n1 Accepted ballot=(1,n1) slot=0 value=x",
    "n1->n2 Decide slot=0 value=x",
    "n1->n3 Decide slot=0 value=x",
  ]);
  for (const id of NODES) assert.deepEqual(net.node(id).log(), ["x"]);
});

Deno.test("A follower forwards a request to the leader it heard from recently", () => {
  const net = withLeader();
  net.send("client", "n2", { type: "Request", command: "y" });
  net.run();
  assert.deepEqual(net.log.slice(0, 3), [
    "client->n2 Request command=y",
    "n2->n1 Request command=y",
    "n1->n1 Accept ballot=(1,n1) slot=0 value=y",
  ]);
  // Past the lease (electionTimeoutMinMs) the leader may be dead: the request waits instead.
  net.log.length = 0;
  net.nowMs = 1000;
  net.send("client", "n2", { type: "Request", command: "z" });
  net.run();
  assert.deepEqual(net.log, ["client->n2 Request command=z"]);
  // The next heartbeat renews the lease and releases it.
  net.heartbeatTimeout("n1");
  net.run();
  assert.ok(net.log.includes("n2->n1 Request command=z"));
});

Deno.test("A follower leased to a live leader refuses another candidate's Prepare", () => {
  const net = withLeader();
  net.electionTimeout("n3");
  net.run((from, to) => from === "n3" && to === "n3");
  // n1 leads but holds no lease on anyone, so it promises (and steps down); n2 is leased to n1.
  assert.deepEqual(net.log, [
    "n3->n1 Prepare ballot=(2,n3) fromSlot=0",
    "n3->n2 Prepare ballot=(2,n3) fromSlot=0",
    "n3->n3 Prepare ballot=(2,n3) fromSlot=0",
    "n1->n3 Promise ballot=(2,n3) accepted=[]",
    "n2->n3 Nack ballot=(2,n3) promised=(1,n1)",
  ]);
  assert.equal(net.node("n2").promised.proposer, "n1");
});

/** n1 and n2 accepted "kept" for slot 1 under (1,n2); nobody accepted anything for slot 0. */
function recovered(): Record<string, Recovered> {
  const old = { round: 1, proposer: "n2" };
  const accepted = [{ slot: 1, ballot: old, value: "kept" }];
  return { n1: { promised: old, accepted }, n2: { promised: old, accepted } };
}

Deno.test("A new leader re-proposes the highest accepted value and fills gaps with no-ops (P2c)", () => {
  const net = new Network({}, recovered());
  net.electionTimeout("n3");
  net.run();
  assert.deepEqual(net.log.slice(0, 10), [
    "n3->n1 Prepare ballot=(1,n3) fromSlot=0",
    "n3->n2 Prepare ballot=(1,n3) fromSlot=0",
    "n3->n3 Prepare ballot=(1,n3) fromSlot=0",
    "n1->n3 Promise ballot=(1,n3) accepted=[1:(1,n2):kept]",
    "n2->n3 Promise ballot=(1,n3) accepted=[1:(1,n2):kept]",
    "n3->n3 Promise ballot=(1,n3) accepted=[]",
    `n3->n1 Accept ballot=(1,n3) slot=0 value=${PAXOS_NOOP}`,
    `n3->n2 Accept ballot=(1,n3) slot=0 value=${PAXOS_NOOP}`,
    `n3->n3 Accept ballot=(1,n3) slot=0 value=${PAXOS_NOOP}`,
    "n3->n1 Accept ballot=(1,n3) slot=1 value=kept",
  ]);
  for (const id of NODES) assert.deepEqual(net.node(id).log(), [PAXOS_NOOP, "kept"]);
});

Deno.test("forget-accepted promises without accepted proposals, so the new leader loses them", () => {
  const net = new Network({ variant: "forget-accepted" }, recovered());
  net.electionTimeout("n3");
  net.run();
  assert.ok(net.log.includes("n1->n3 Promise ballot=(1,n3) accepted=[]"));
  assert.deepEqual(net.node("n3").log(), []);
});

Deno.test("A replica persists its promise and acceptance in the Ready that answers them", () => {
  const net = withLeader();
  net.send("client", "n1", { type: "Request", command: "x" });
  net.run();
  for (const { node, ready } of net.readies) {
    for (const { msg } of ready.messages) {
      if (msg.type !== "Accepted") continue;
      assert.deepEqual(ready.persist?.accepted.map((p) => p.slot), [msg.slot], node);
    }
    for (const [key, , before] of ready.changes) {
      assert.ok(before <= ready.messages.length, `${key} is placed among the messages`);
    }
  }
});

Deno.test("A deposed leader steps down when it sees a higher ballot", () => {
  const net = withLeader();
  net.send("n3", "n1", { type: "Prepare", ballot: { round: 7, proposer: "n3" }, fromSlot: 0 });
  net.run((_from, to) => to === "n3");
  assert.equal(net.node("n1").role, "follower");
  const ready = net.readies.at(-1)!;
  assert.equal(ready.ready.timers.heartbeat, null, "stops heartbeating");
  assert.equal(ready.ready.timers.election, 150, "and waits for a leader again");
});

Deno.test("MultiPaxosNode rejects bad options with a message naming the option", () => {
  const base = { random: () => 0, now: () => 0 };
  assert.throws(() => new MultiPaxosNode({ ...base, id: "n1", nodes: [] }), /option nodes/);
  assert.throws(() => new MultiPaxosNode({ ...base, id: "n9", nodes: NODES }), /option id/);
});
