import assert from "node:assert/strict";
import fc from "fast-check";
import { type Process, Simulation } from "../../sim/mod.ts";
import { paxosAgreement, paxosValidity } from "../../check/invariants/paxos.ts";
import { paxosClient } from "./client.ts";
import {
  PAXOS_STORAGE,
  type PaxosMessage,
  paxosNode,
  type PaxosOptions,
  type PaxosProcess,
} from "./single_decree.ts";

const NODES = ["n1", "n2", "n3"];

// Acceptors run PaxosProcess; clients are plain processes.
type PaxosSimulation = Simulation<PaxosMessage, PaxosProcess | Process<PaxosMessage>>;

function cluster(seed: number, options: Partial<PaxosOptions> = {}, loss = 0): PaxosSimulation {
  const sim: PaxosSimulation = new Simulation({ seed, network: { lossProbability: loss } });
  for (const id of NODES) sim.addNode(id, paxosNode({ acceptors: NODES, ...options }));
  return sim;
}

function chosenBy(sim: PaxosSimulation, node: string) {
  const process = sim.processOf(node);
  return process !== null && "chosen" in process ? process.chosen() : null;
}

Deno.test("Paxos chooses the only proposed value and every learner learns it", () => {
  const sim = cluster(1);
  sim.addNode("client", paxosClient([{ atMs: 1, to: "n1", value: "x" }], "Propose"));
  sim.run({ untilMs: 200 });
  for (const id of NODES) assert.equal(chosenBy(sim, id), "x");
});

Deno.test("Paxos keeps agreement and validity with dueling proposers, loss and crashes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 0, max: 30 }),
      fc.option(fc.constantFrom(...NODES)),
      (seed, lossPercent, crashed) => {
        const sim = cluster(seed, {}, lossPercent / 100);
        sim.addNode(
          "client",
          paxosClient(
            NODES.map((to, i) => ({ atMs: i * 2, to, value: `v${i}` })),
            "Propose",
          ),
        );
        if (crashed) {
          sim.schedule([{ atMs: 7, kind: "crash", node: crashed }, {
            atMs: 60,
            kind: "restart",
            node: crashed,
          }]);
        }
        sim.run({ untilMs: 1000 });
        assert.deepEqual(paxosAgreement(sim.trace.events, { acceptorCount: 3 }), []);
        assert.deepEqual(paxosValidity(sim.trace.events), []);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("An acceptor persists its promise before it replies (Paxos Made Simple §2.2)", () => {
  const sim = cluster(2, { proposers: ["n1"] });
  sim.addNode("client", paxosClient([{ atMs: 1, to: "n1", value: "x" }], "Propose"));
  // Crash n2 right after its first Promise leaves: its storage must already hold the promise.
  let promisedAtSend: unknown;
  sim.run({
    untilMs: 100,
    until: () => {
      const sent = sim.trace.events.find((e) =>
        e.kind === "send" && e.from === "n2" && e.msg.type === "Promise"
      );
      if (sent && promisedAtSend === undefined) {
        promisedAtSend = sim.storageOf("n2").get(PAXOS_STORAGE.promised);
      }
      return false;
    },
  });
  assert.deepEqual(promisedAtSend, { round: 1, proposer: "n1" });
});

/**
 * §2.2, P2c: a proposer must adopt the value of the highest-numbered proposal among a quorum
 * of promises. Two acceptors already accepted "old" (ballot 1.n2); n3 then proposes "new".
 */
function proposeAfterAcceptance(variant: PaxosOptions["variant"]) {
  const sim = cluster(3, { variant, proposers: ["n3"] });
  for (const id of ["n1", "n2"]) {
    sim.storageOf(id).set(PAXOS_STORAGE.promised, { round: 1, proposer: "n2" });
    sim.storageOf(id).set(PAXOS_STORAGE.accepted, {
      ballot: { round: 1, proposer: "n2" },
      value: "old",
    });
  }
  sim.addNode("client", paxosClient([{ atMs: 1, to: "n3", value: "new" }], "Propose"));
  sim.run({ untilMs: 300 });
  return sim;
}

Deno.test("A proposer adopts the highest-ballot accepted value reported by a quorum (P2c)", () => {
  const sim = proposeAfterAcceptance("correct");
  for (const id of NODES) assert.equal(chosenBy(sim, id), "old");
});

Deno.test("forget-accepted lets a proposer overwrite a value accepted by a majority", () => {
  const sim = proposeAfterAcceptance("forget-accepted");
  assert.equal(chosenBy(sim, "n3"), "new");
});

Deno.test("paxosNode rejects bad options with a message naming the option", () => {
  assert.throws(() => paxosNode({ acceptors: [] }), /acceptors/);
  assert.throws(
    () => paxosNode({ acceptors: NODES, variant: "nope" as never }),
    /variant must be one of correct, forget-accepted/,
  );
  assert.throws(() => paxosNode({ acceptors: NODES, retryTimeoutMs: 0 }), /retryTimeoutMs/);
});
