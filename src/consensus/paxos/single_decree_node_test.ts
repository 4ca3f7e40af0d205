/**
 * Message-log tests of the pure single-decree Paxos node, in the style of etcd-io/raft: a tiny
 * in-memory network delivers messages in FIFO order, without the simulator, and each test
 * expects the exact log of messages sent (`n1->n2 Prepare ballot=(1,n1)`).
 */
import assert from "node:assert/strict";
import type { Ballot } from "./ballot.ts";
import {
  type PaxosHardState,
  type PaxosMessage,
  PaxosNode,
  type PaxosOptions,
  type PaxosReady,
} from "./single_decree_node.ts";

const NODES = ["n1", "n2", "n3"];

const ballot = (b: Ballot) => `(${b.round},${b.proposer})`;

/** One line per message: sender, receiver, type and fields, ballots as (round,proposer). */
function describe(from: string, to: string, msg: PaxosMessage): string {
  const head = `${from}->${to} ${msg.type}`;
  switch (msg.type) {
    case "Propose":
      return `${head} value=${msg.value}`;
    case "Prepare":
      return `${head} ballot=${ballot(msg.ballot)}`;
    case "Promise": {
      const a = msg.accepted;
      return `${head} ballot=${ballot(msg.ballot)} accepted=${
        a ? `${ballot(a.ballot)}:${a.value}` : "-"
      }`;
    }
    case "Accept":
    case "Accepted":
      return `${head} ballot=${ballot(msg.ballot)} value=${msg.value}`;
    case "Nack":
      return `${head} ballot=${ballot(msg.ballot)} promised=${ballot(msg.promised)}`;
  }
}

/** A FIFO network of pure nodes; `log` holds every message sent, in order. */
class Network {
  readonly nodes = new Map<string, PaxosNode>();
  readonly log: string[] = [];
  readonly readies: { node: string; ready: PaxosReady }[] = [];
  #queue: { from: string; to: string; msg: PaxosMessage }[] = [];

  constructor(options: PaxosOptions, hardStates: Record<string, PaxosHardState> = {}) {
    const ids = new Set([...options.acceptors, ...(options.proposers ?? [])]);
    for (const id of ids) {
      this.nodes.set(
        id,
        new PaxosNode({ ...options, id, random: () => 0.5, hardState: hardStates[id] }),
      );
    }
  }

  /** Hands `msg` to `to` and collects what it sends. */
  send(from: string, to: string, msg: PaxosMessage): void {
    this.log.push(describe(from, to, msg));
    this.#queue.push({ from, to, msg });
  }

  /** Delivers queued messages (dropping those for which `drop` says so) until none is left. */
  run(drop: (from: string, to: string, msg: PaxosMessage) => boolean = () => false): void {
    for (let steps = 0; this.#queue.length > 0; steps++) {
      assert.ok(steps < 1000, "the message log must settle");
      const { from, to, msg } = this.#queue.shift()!;
      const node = this.nodes.get(to);
      if (node === undefined || drop(from, to, msg)) continue;
      node.step(from, msg);
      this.#drain(to);
    }
  }

  /** Fires a node's retry timer. */
  retry(id: string): void {
    this.nodes.get(id)!.retryTimeout();
    this.#drain(id);
  }

  #drain(id: string): void {
    const ready = this.nodes.get(id)!.ready();
    this.readies.push({ node: id, ready });
    for (const out of ready.messages) this.send(id, out.to, out.msg);
  }
}

Deno.test("PaxosNode chooses a lone proposal in two phases (Paxos Made Simple §2.2)", () => {
  const net = new Network({ acceptors: NODES, learners: ["n1"], proposers: ["n1"] });
  net.send("client", "n1", { type: "Propose", value: "x" });
  net.run();
  assert.deepEqual(net.log, [
    "client->n1 Propose value=x",
    "n1->n1 Prepare ballot=(1,n1)",
    "n1->n2 Prepare ballot=(1,n1)",
    "n1->n3 Prepare ballot=(1,n1)",
    "n1->n1 Promise ballot=(1,n1) accepted=-",
    "n2->n1 Promise ballot=(1,n1) accepted=-",
    "n3->n1 Promise ballot=(1,n1) accepted=-",
    "n1->n1 Accept ballot=(1,n1) value=x",
    "n1->n2 Accept ballot=(1,n1) value=x",
    "n1->n3 Accept ballot=(1,n1) value=x",
    "n1->n1 Accepted ballot=(1,n1) value=x",
    "n2->n1 Accepted ballot=(1,n1) value=x",
    "n3->n1 Accepted ballot=(1,n1) value=x",
  ]);
  assert.equal(net.nodes.get("n1")!.chosen, "x");
  assert.equal(net.nodes.get("n1")!.phase, "done");
});

Deno.test("PaxosNode persists a promise in the same Ready that carries it (§2.2, stable storage)", () => {
  const net = new Network({ acceptors: NODES, proposers: ["n1"] });
  net.send("client", "n1", { type: "Propose", value: "x" });
  net.run();
  for (const { node, ready } of net.readies) {
    for (const { msg } of ready.messages) {
      if (msg.type !== "Promise" && msg.type !== "Accepted") continue;
      assert.ok(ready.hardState !== null, `${node} sent ${msg.type} without persisting`);
      assert.deepEqual(ready.hardState.promised, msg.ballot);
    }
  }
});

/**
 * n1 and n2 accepted "old" at (1,n2), n3 knows nothing; n3 then proposes "new" at (1,n3),
 * which ranks above (1,n2) because ties in round go to the higher proposer id.
 */
function afterAcceptance(variant: PaxosOptions["variant"]): Network {
  const old: PaxosHardState = {
    promised: { round: 1, proposer: "n2" },
    accepted: { ballot: { round: 1, proposer: "n2" }, value: "old" },
    proposerRound: 0,
  };
  const net = new Network(
    { acceptors: NODES, learners: ["n3"], proposers: ["n3"], variant },
    { n1: old, n2: old },
  );
  net.send("client", "n3", { type: "Propose", value: "new" });
  // n3's own acceptor stays out of the quorum, so the promises come from n1 and n2.
  net.run((from, to) => from === "n3" && to === "n3");
  return net;
}

Deno.test("A proposer adopts the highest-ballot value a quorum reports (§2.2, P2c)", () => {
  const net = afterAcceptance("correct");
  assert.deepEqual(net.log, [
    "client->n3 Propose value=new",
    "n3->n1 Prepare ballot=(1,n3)",
    "n3->n2 Prepare ballot=(1,n3)",
    "n3->n3 Prepare ballot=(1,n3)",
    "n1->n3 Promise ballot=(1,n3) accepted=(1,n2):old",
    "n2->n3 Promise ballot=(1,n3) accepted=(1,n2):old",
    "n3->n1 Accept ballot=(1,n3) value=old",
    "n3->n2 Accept ballot=(1,n3) value=old",
    "n3->n3 Accept ballot=(1,n3) value=old",
    "n1->n3 Accepted ballot=(1,n3) value=old",
    "n2->n3 Accepted ballot=(1,n3) value=old",
  ]);
  assert.equal(net.nodes.get("n3")!.chosen, "old");
});

Deno.test("forget-accepted promises without the accepted value, so a chosen value is overwritten", () => {
  const net = afterAcceptance("forget-accepted");
  assert.ok(net.log.includes("n1->n3 Promise ballot=(1,n3) accepted=-"));
  assert.ok(net.log.includes("n3->n1 Accept ballot=(1,n3) value=new"));
  assert.equal(net.nodes.get("n3")!.chosen, "new");
});

Deno.test("An acceptor refuses a ballot below its promise with a Nack (§2.3)", () => {
  const promised = { round: 5, proposer: "n2" };
  const net = new Network(
    { acceptors: NODES, proposers: ["n1"], learners: ["n1"] },
    { n2: { promised, accepted: null, proposerRound: 0 } },
  );
  net.send("n1", "n2", { type: "Prepare", ballot: { round: 1, proposer: "n1" } });
  net.send("n1", "n2", { type: "Accept", ballot: { round: 1, proposer: "n1" }, value: "x" });
  net.run();
  assert.deepEqual(net.log.slice(2), [
    "n2->n1 Nack ballot=(1,n1) promised=(5,n2)",
    "n2->n1 Nack ballot=(1,n1) promised=(5,n2)",
  ]);
  assert.deepEqual(net.nodes.get("n2")!.promised, promised);
});

Deno.test("A preempted proposer retries above the ballot that preempted it (§2.4)", () => {
  const promised: PaxosHardState = {
    promised: { round: 5, proposer: "n2" },
    accepted: null,
    proposerRound: 0,
  };
  const net = new Network(
    { acceptors: NODES, learners: ["n1"], proposers: ["n1"] },
    { n2: promised, n3: promised },
  );
  net.send("client", "n1", { type: "Propose", value: "x" });
  net.run();
  assert.ok(net.log.includes("n2->n1 Nack ballot=(1,n1) promised=(5,n2)"));
  assert.ok(net.log.includes("n1->n2 Prepare ballot=(6,n1)"));
  assert.equal(net.nodes.get("n1")!.chosen, "x");
});

Deno.test("With backoff a preempted proposer waits a random window before its retry timer", () => {
  const promised: PaxosHardState = {
    promised: { round: 5, proposer: "n2" },
    accepted: null,
    proposerRound: 0,
  };
  const net = new Network(
    { acceptors: NODES, proposers: ["n1"], retry: "backoff", backoffMs: 10 },
    { n2: promised, n3: promised },
  );
  net.send("client", "n1", { type: "Propose", value: "x" });
  net.run();
  const timers = net.readies.filter((r) => r.node === "n1").map((r) => r.ready.timers.retry);
  // Armed for retryTimeoutMs with the Prepares, then 0.5 * 10 * 2^1 after the first Nack.
  assert.deepEqual(timers.filter((t) => t !== undefined), [40, 10]);
  assert.equal(net.nodes.get("n1")!.phase, "idle");
  net.retry("n1");
  assert.equal(net.nodes.get("n1")!.ballot.round, 6);
});

Deno.test("PaxosNode restarts from its hard state and never reuses a ballot", () => {
  const node = new PaxosNode({
    id: "n1",
    acceptors: NODES,
    random: () => 0,
    hardState: { promised: { round: 0, proposer: "" }, accepted: null, proposerRound: 3 },
  });
  node.step("client", { type: "Propose", value: "x" });
  assert.deepEqual(node.ballot, { round: 4, proposer: "n1" });
  assert.equal(node.ready().hardState?.proposerRound, 4);
});

Deno.test("PaxosNode rejects bad options with a message naming the option", () => {
  const random = () => 0;
  assert.throws(() => new PaxosNode({ id: "n1", acceptors: [], random }), /option acceptors/);
  assert.throws(
    () => new PaxosNode({ id: "n1", acceptors: NODES, random, backoffMs: -1 }),
    /option backoffMs must be > 0/,
  );
});
