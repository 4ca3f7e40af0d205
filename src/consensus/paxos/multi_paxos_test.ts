import assert from "node:assert/strict";
import fc from "fast-check";
import { type Process, Simulation } from "../../sim/mod.ts";
import { paxosAgreement, paxosValidity } from "../../check/invariants/paxos.ts";
import { paxosClient } from "./client.ts";
import {
  MULTI_PAXOS_STORAGE,
  type MultiPaxosMessage,
  multiPaxosNode,
  type MultiPaxosProcess,
  PAXOS_NOOP,
} from "./multi_paxos.ts";

const NODES = ["n1", "n2", "n3"];

// Replicas run MultiPaxosProcess; clients are plain processes.
type MultiPaxosSimulation = Simulation<
  MultiPaxosMessage,
  MultiPaxosProcess | Process<MultiPaxosMessage>
>;

function cluster(seed: number): MultiPaxosSimulation {
  const sim: MultiPaxosSimulation = new Simulation({ seed });
  for (const id of NODES) sim.addNode(id, multiPaxosNode({ nodes: NODES }));
  return sim;
}

function replica(sim: MultiPaxosSimulation, id: string): MultiPaxosProcess {
  const process = sim.processOf(id);
  assert.ok(process !== null && "isLeader" in process, `${id} runs a Multi-Paxos replica`);
  return process;
}

Deno.test("Multi-Paxos elects one leader and every replica learns the same log", () => {
  const sim = cluster(1);
  const requests = Array.from({ length: 6 }, (_, i) => ({
    atMs: 400 + 20 * i,
    to: NODES[i % 3],
    value: `c${i}`,
  }));
  sim.addNode("client", paxosClient(requests, "Request"));
  sim.run({ untilMs: 1000 });
  const leaders = NODES.filter((id) => replica(sim, id).isLeader());
  assert.equal(leaders.length, 1);
  const logs = NODES.map((id) => replica(sim, id).log());
  assert.equal(logs[0].length, 6);
  for (const log of logs) assert.deepEqual(log, logs[0]);
  assert.deepEqual([...logs[0]].sort(), requests.map((r) => r.value));
});

Deno.test("Multi-Paxos keeps agreement per slot when leaders crash and partitions come and go", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 200, max: 900 }),
      (seed, at) => {
        const sim = cluster(seed);
        const requests = Array.from({ length: 12 }, (_, i) => ({
          atMs: 100 * i,
          to: NODES[i % 3],
          value: `c${i}`,
        }));
        sim.addNode("client", paxosClient(requests, "Request"));
        sim.schedule([
          { atMs: at, kind: "partition", groups: [["n1"], ["n2", "n3"]] },
          { atMs: at + 50, kind: "crash", node: "n2" },
          { atMs: at + 300, kind: "heal" },
          { atMs: at + 400, kind: "restart", node: "n2" },
        ]);
        sim.run({ untilMs: 2500 });
        assert.deepEqual(paxosAgreement(sim.trace.events, { acceptorCount: 3 }), []);
        assert.deepEqual(paxosValidity(sim.trace.events, { fillers: [PAXOS_NOOP] }), []);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("A new leader re-proposes accepted values and fills gaps with no-ops", () => {
  const sim = cluster(5);
  // Slot 1 was accepted by n1 and n2 under an old ballot; slot 0 was never accepted anywhere.
  for (const id of ["n1", "n2"]) {
    sim.storageOf(id).set(MULTI_PAXOS_STORAGE.promised, { round: 1, proposer: "n3" });
    sim.storageOf(id).set(MULTI_PAXOS_STORAGE.acceptedPrefix + 1, {
      slot: 1,
      ballot: { round: 1, proposer: "n3" },
      value: "kept",
    });
  }
  sim.run({ untilMs: 800 });
  for (const id of NODES) assert.deepEqual(replica(sim, id).log(), [PAXOS_NOOP, "kept"]);
});

Deno.test("multiPaxosNode rejects a heartbeat slower than the election timeout", () => {
  assert.throws(
    () => multiPaxosNode({ nodes: NODES, heartbeatMs: 200, electionTimeoutMinMs: 150 }),
    /heartbeatMs < electionTimeoutMinMs/,
  );
});
