import assert from "node:assert/strict";
import { type Fault, Simulation } from "../sim/mod.ts";
import { checkHistory } from "../check/mod.ts";
import {
  preferenceList,
  quorumClient,
  type QuorumMessage,
  type QuorumOp,
  type QuorumOptions,
  quorumReplica,
  type QuorumReplicaProcess,
} from "./mod.ts";

const ring = ["n1", "n2", "n3"];

function run(
  quorum: QuorumOptions,
  scripts: QuorumOp[][],
  faults: Fault[] = [],
  offsets: number[] = [],
) {
  const sim = new Simulation<QuorumMessage>({
    seed: 1,
    network: { latency: { kind: "constant", ms: 2 } },
  });
  for (const id of ring) sim.addNode(id, quorumReplica());
  scripts.forEach((ops, i) =>
    sim.addNode(
      `c${i + 1}`,
      quorumClient({ ...quorum, process: i + 1, ring, ops, timeoutMs: 30 }),
      {
        clock: { offsetMs: offsets[i] ?? 0 },
      },
    )
  );
  sim.schedule(faults);
  sim.run({ untilMs: 1000 });
  return { sim, verdict: checkHistory(sim.history, { model: "kv" }).verdict };
}

const dynamo: QuorumOptions = { n: 3, r: 2, w: 2, readRepair: "async", writeVersions: "clock" };
const abd: QuorumOptions = { n: 3, r: 2, w: 2, readRepair: "sync", writeVersions: "read-first" };

Deno.test("R + W > N with clock versions is not linearizable when a writer's clock is behind", () => {
  // c2 writes after c1's write completed, but its clock runs 50 ms behind: its version is older,
  // so its acknowledged write never becomes visible.
  const scripts: QuorumOp[][] = [
    [{ atMs: 0, f: "write", key: "x", value: 1 }],
    [{ atMs: 20, f: "write", key: "x", value: 2 }, { atMs: 40, f: "read", key: "x" }],
  ];
  assert.equal(run(dynamo, scripts, [], [0, -50]).verdict, "not-linearizable");
  assert.equal(run(abd, scripts, [], [0, -50]).verdict, "linearizable");
});

Deno.test("A failed write left on a minority breaks R + W > N reads unless reads write back", () => {
  // c1's second write reaches only n1 while the others are cut off from it: it times out (outcome
  // unknown). c2 then reads it from a quorum that includes the holder; c3 reads from one that
  // does not, and sees the older value after c2 saw the newer one.
  const scripts: QuorumOp[][] = [
    [{ atMs: 0, f: "write", key: "x", value: 1 }, { atMs: 10, f: "write", key: "x", value: 2 }],
    [{ atMs: 100, f: "read", key: "x" }],
    [{ atMs: 140, f: "read", key: "x" }],
  ];
  const faults: Fault[] = [
    { atMs: 9, kind: "cut", from: "c1", to: "n2" },
    { atMs: 9, kind: "cut", from: "c1", to: "n3" },
    { atMs: 99, kind: "cut", from: "c2", to: "n3" },
    { atMs: 139, kind: "cut", from: "c3", to: "n1" },
  ];
  const clock: QuorumOptions = { n: 3, r: 2, w: 2, writeVersions: "clock" };
  const broken = run({ ...clock, readRepair: "none" }, scripts, faults);
  assert.deepEqual(broken.sim.history.map((e) => e.type), [
    "invoke",
    "ok",
    "invoke",
    "info",
    "invoke",
    "ok",
    "invoke",
    "ok",
  ]);
  assert.equal(broken.verdict, "not-linearizable");
  assert.equal(run({ ...clock, readRepair: "sync" }, scripts, faults).verdict, "linearizable");
});

Deno.test("A sloppy quorum acknowledges writes through fallbacks and hands them off after the heal", () => {
  const wide = ["n1", "n2", "n3", "n4", "n5"];
  const sim = new Simulation<QuorumMessage>({ seed: 1 });
  for (const id of wide) sim.addNode(id, quorumReplica({ handoffMs: 20 }));
  sim.addNode(
    "c1",
    quorumClient({
      ...abd,
      sloppy: true,
      writeVersions: "clock",
      process: 1,
      ring: wide,
      ops: [{ atMs: 50, f: "write", key: "x", value: 9 }],
      timeoutMs: 30,
    }),
  );
  // Crash two of the key's three home replicas: only a sloppy quorum can still take W = 2.
  const home = preferenceList("x", wide).slice(0, 3);
  sim.schedule([
    { atMs: 10, kind: "crash", node: home[0] },
    { atMs: 10, kind: "crash", node: home[1] },
    { atMs: 400, kind: "restart", node: home[0] },
    { atMs: 400, kind: "restart", node: home[1] },
  ]);
  sim.run({ untilMs: 300 });
  assert.equal(sim.history.at(-1)?.type, "ok", "the sloppy write is acknowledged");
  const hints = wide.reduce(
    (n, id) => n + ((sim.processOf(id) as QuorumReplicaProcess | null)?.hints ?? 0),
    0,
  );
  assert.ok(hints > 0, "fallbacks hold hints");
  sim.run({ untilMs: 800 });
  const holders = home.filter((id) =>
    (sim.processOf(id) as QuorumReplicaProcess).get("x").value === 9
  );
  assert.equal(holders.length, 3, `hinted handoff delivered the write home (${holders.join(",")})`);
});
