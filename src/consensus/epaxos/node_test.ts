import assert from "node:assert/strict";
import { EpaxosNode } from "./node.ts";
import type { EpaxosInstance, EpaxosMessage } from "./types.ts";

const NODES = ["r1", "r2", "r3", "r4", "r5"];
const DEFAULT = (leader: string) => ({ round: 0, proposer: leader });
const write = (key: string, value: number) => ({ key, op: "write" as const, value });

/** The messages a node wants sent, as a log: `r1->r2 PreAccept r1.1 seq=1 deps=[]`. */
function log(node: EpaxosNode): string[] {
  return node.ready().messages.map(({ to, msg }) => {
    const m = msg as Record<string, unknown>;
    const fields = [
      "id" in m ? String(m.id) : "",
      "seq" in m ? `seq=${m.seq}` : "",
      "deps" in m ? `deps=[${m.deps}]` : "",
      "ballot" in m ? `b=${(m.ballot as { round: number }).round}` : "",
    ].filter((f) => f !== "");
    return [`${node.id}->${to} ${msg.type}`, ...fields].join(" ");
  });
}

function request(node: EpaxosNode, key: string, value: number): void {
  node.step("c1", { type: "Request", requestId: `c1#${value}`, command: write(key, value) });
}

Deno.test("An acceptor adds the conflicting instances it knows to a PreAccept's deps and raises its seq (EPaxos Figure 2, lines 7-13)", () => {
  const r2 = new EpaxosNode({ id: "r2", nodes: NODES });
  request(r2, "x", 1);
  log(r2);
  r2.step("r1", {
    type: "PreAccept",
    ballot: DEFAULT("r1"),
    id: "r1.1",
    command: write("x", 2),
    seq: 1,
    deps: [],
  });
  assert.deepEqual(log(r2), ["r2->r1 PreAcceptOK r1.1 seq=2 deps=[r2.1] b=0"]);
  assert.equal(r2.instance("r1.1")?.unchanged, false);
  r2.step("r1", {
    type: "PreAccept",
    ballot: DEFAULT("r1"),
    id: "r1.2",
    command: write("y", 3),
    seq: 1,
    deps: [],
  });
  assert.deepEqual(log(r2), ["r2->r1 PreAcceptOK r1.2 seq=1 deps=[] b=0"], "no conflict on y");
});

Deno.test("A command leader commits on the fast path when the simple fast quorum (2F = 4 of 5) replies unchanged", () => {
  const r1 = new EpaxosNode({ id: "r1", nodes: NODES, fastQuorum: "simple" });
  request(r1, "x", 1);
  assert.equal(log(r1).length, 4);
  const ok: EpaxosMessage = {
    type: "PreAcceptOK",
    ballot: DEFAULT("r1"),
    id: "r1.1",
    seq: 1,
    deps: [],
  };
  r1.step("r2", ok);
  r1.step("r3", ok);
  assert.deepEqual(log(r1), [], "a majority is not yet a fast quorum, and nothing differs");
  r1.step("r4", ok);
  assert.deepEqual(log(r1), [
    "r1->r2 Commit r1.1 seq=1 deps=[]",
    "r1->r3 Commit r1.1 seq=1 deps=[]",
    "r1->r4 Commit r1.1 seq=1 deps=[]",
    "r1->r5 Commit r1.1 seq=1 deps=[]",
    "r1->c1 Reply",
  ]);
});

Deno.test("A command leader takes the slow path with the union of deps and the highest seq when a reply differs (Figure 2, lines 16-20)", () => {
  const r1 = new EpaxosNode({ id: "r1", nodes: NODES });
  request(r1, "x", 1);
  log(r1);
  r1.step("r2", { type: "PreAcceptOK", ballot: DEFAULT("r1"), id: "r1.1", seq: 1, deps: [] });
  r1.step("r3", { type: "PreAcceptOK", ballot: DEFAULT("r1"), id: "r1.1", seq: 3, deps: ["r3.4"] });
  assert.deepEqual(log(r1), [
    "r1->r2 Accept r1.1 seq=3 deps=[r3.4] b=0",
    "r1->r3 Accept r1.1 seq=3 deps=[r3.4] b=0",
    "r1->r4 Accept r1.1 seq=3 deps=[r3.4] b=0",
    "r1->r5 Accept r1.1 seq=3 deps=[r3.4] b=0",
  ]);
  r1.step("r2", { type: "AcceptOK", ballot: DEFAULT("r1"), id: "r1.1" });
  r1.step("r4", { type: "AcceptOK", ballot: DEFAULT("r1"), id: "r1.1" });
  assert.equal(r1.instance("r1.1")?.status, "committed");
  assert.deepEqual(r1.ready().changes.map(([k, v]) => `${k} ${(v as { path?: string }).path}`), [
    "committed slow",
  ]);
});

/** A node that recovers r9.1 after the recovery timeout, its Prepares drained. */
function recoverer(fastQuorum: "optimized" | "simple" = "simple"): EpaxosNode {
  const r2 = new EpaxosNode({ id: "r2", nodes: NODES, recoveryTimeoutMs: 100, fastQuorum });
  r2.step("r1", {
    type: "PreAccept",
    ballot: DEFAULT("r1"),
    id: "r1.1",
    command: write("x", 1),
    seq: 1,
    deps: [],
  });
  log(r2);
  r2.tick(200);
  assert.deepEqual(log(r2), [
    "r2->r1 Prepare r1.1 b=1",
    "r2->r3 Prepare r1.1 b=1",
    "r2->r4 Prepare r1.1 b=1",
    "r2->r5 Prepare r1.1 b=1",
  ]);
  return r2;
}

const none: EpaxosInstance = {
  command: null,
  seq: 0,
  deps: [],
  status: "none",
  ballot: DEFAULT("r1"),
  vballot: DEFAULT(""),
  unchanged: false,
  executed: false,
};
const prepareOK = (instance: object): EpaxosMessage => ({
  type: "PrepareOK",
  ballot: { round: 1, proposer: "r2" },
  id: "r1.1",
  instance: { ...none, ...instance },
});

Deno.test("Recovery re-runs Accept for the leader's attributes when enough replies hold them unchanged at the default ballot (Figure 3, line 34)", () => {
  const r2 = recoverer();
  // r2's own unchanged PreAccept plus r3's: 2 = fastQuorum - F of a majority without the leader.
  r2.step(
    "r3",
    prepareOK({
      command: write("x", 1),
      seq: 1,
      status: "preaccepted",
      unchanged: true,
      vballot: DEFAULT("r1"),
    }),
  );
  assert.deepEqual(log(r2), [], "two replies are not a majority of five");
  r2.step("r4", prepareOK({}));
  assert.deepEqual(log(r2), [
    "r2->r1 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r3 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r4 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r5 Accept r1.1 seq=1 deps=[] b=1",
  ]);
});

Deno.test("Recovery restarts Phase 1 without the fast path when the leader itself replied pre-accepted (Figure 3, line 35)", () => {
  const r2 = recoverer();
  r2.step(
    "r1",
    prepareOK({
      command: write("x", 1),
      seq: 1,
      status: "preaccepted",
      unchanged: true,
      vballot: DEFAULT("r1"),
    }),
  );
  r2.step("r4", prepareOK({}));
  assert.deepEqual(log(r2).map((l) => l.split(" ").slice(0, 3).join(" ")), [
    "r2->r1 PreAccept r1.1",
    "r2->r3 PreAccept r1.1",
    "r2->r4 PreAccept r1.1",
    "r2->r5 PreAccept r1.1",
  ]);
});

Deno.test("Recovery commits a no-op when no reply of a majority knows the instance (Figure 3, line 36), and commits what one reply has committed (line 32)", () => {
  const r2 = new EpaxosNode({ id: "r2", nodes: NODES, recoveryTimeoutMs: 100 });
  r2.step("r3", { type: "Commit", id: "r3.1", command: write("x", 5), seq: 2, deps: ["r1.1"] });
  log(r2);
  r2.tick(1); // notices the unknown dependency r1.1
  r2.tick(200);
  log(r2);
  r2.step("r3", prepareOK({}));
  r2.step("r4", prepareOK({}));
  assert.deepEqual(log(r2).slice(0, 1), ["r2->r1 Accept r1.1 seq=0 deps=[] b=1"]);
  assert.equal(r2.instance("r1.1")?.command, null);

  const r5 = recoverer();
  r5.step("r3", prepareOK({}));
  r5.step("r4", prepareOK({ command: write("x", 1), seq: 4, deps: ["r3.3"], status: "committed" }));
  assert.equal(r5.instance("r1.1")?.status, "committed");
  assert.deepEqual(r5.instance("r1.1")?.deps, ["r3.3"]);
});

Deno.test("A command leader preempted by a higher ballot no longer decides its instance", () => {
  const r1 = new EpaxosNode({ id: "r1", nodes: NODES });
  request(r1, "x", 1);
  log(r1);
  r1.step("r2", { type: "Prepare", ballot: { round: 1, proposer: "r2" }, id: "r1.1" });
  assert.deepEqual(log(r1).map((l) => l.split(" ").slice(0, 2).join(" ")), ["r1->r2 PrepareOK"]);
  const ok: EpaxosMessage = {
    type: "PreAcceptOK",
    ballot: DEFAULT("r1"),
    id: "r1.1",
    seq: 1,
    deps: [],
  };
  for (const from of ["r2", "r3", "r4"]) r1.step(from, ok);
  assert.deepEqual(log(r1), []);
  assert.equal(r1.instance("r1.1")?.status, "preaccepted");
});

Deno.test("A recoverer that promised a higher ballot to another recoverer drops its own recovery", () => {
  const r2 = recoverer();
  r2.step("r3", { type: "Prepare", ballot: { round: 2, proposer: "r3" }, id: "r1.1" });
  assert.deepEqual(log(r2).map((l) => l.split(" ").slice(0, 2).join(" ")), ["r2->r3 PrepareOK"]);
  r2.step("r4", prepareOK({}));
  r2.step("r5", prepareOK({}));
  assert.deepEqual(log(r2), [], "its ballot-1 quorum is stale");
});

// The technical report (CMU-PDL-13-111) adds TryPreAccept to recovery for the optimized fast
// quorum: with 5 replicas it is 3, so a majority without the leader may hold only one of it.
function tryingRecoverer(): EpaxosNode {
  const r2 = recoverer("optimized");
  r2.step("r3", prepareOK({}));
  r2.step("r4", prepareOK({}));
  assert.deepEqual(log(r2), [
    "r2->r1 TryPreAccept r1.1 seq=1 deps=[] b=1",
    "r2->r3 TryPreAccept r1.1 seq=1 deps=[] b=1",
    "r2->r4 TryPreAccept r1.1 seq=1 deps=[] b=1",
    "r2->r5 TryPreAccept r1.1 seq=1 deps=[] b=1",
  ]);
  return r2;
}
const tryReply = (ok: boolean, conflict: object | null = null): EpaxosMessage => ({
  type: "TryPreAcceptReply",
  ballot: { round: 1, proposer: "r2" },
  id: "r1.1",
  ok,
  conflict: conflict === null
    ? null
    : { id: "r3.1", committed: false, fromLeader: false, ...conflict },
});

Deno.test("With the optimized fast quorum, recovery that finds one identical PreAcceptOK tries to pre-accept it and accepts once a majority holds it (technical report, TryPreAccept)", () => {
  const r2 = tryingRecoverer();
  r2.step("r3", tryReply(true));
  assert.deepEqual(log(r2), [], "r2 and r3 are not yet a majority");
  r2.step("r4", tryReply(true));
  assert.deepEqual(log(r2), [
    "r2->r1 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r3 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r4 Accept r1.1 seq=1 deps=[] b=1",
    "r2->r5 Accept r1.1 seq=1 deps=[] b=1",
  ]);
});

Deno.test("TryPreAccept recovery restarts Phase 1 when a committed conflicting command has no dependency either way (by Lemma 1 no commit of ours can have happened)", () => {
  const r2 = tryingRecoverer();
  r2.step("r3", tryReply(false, { committed: true }));
  assert.deepEqual(log(r2).map((l) => l.split(" ").slice(0, 3).join(" ")), [
    "r2->r1 PreAccept r1.1",
    "r2->r3 PreAccept r1.1",
    "r2->r4 PreAccept r1.1",
    "r2->r5 PreAccept r1.1",
  ]);
});

Deno.test("TryPreAccept recovery restarts Phase 1 once conflicts rule the fast quorum out, and defers while they do not", () => {
  // r3 and r4 replied to Prepare without the attributes: only r1, r2 and r5 can have made up
  // the fast quorum of 3. A conflict at r5 rules r5 out too.
  const r2 = tryingRecoverer();
  r2.step("r5", tryReply(false, {}));
  assert.deepEqual(log(r2).map((l) => l.split(" ").slice(0, 2).join(" ")), [
    "r2->r1 PreAccept",
    "r2->r3 PreAccept",
    "r2->r4 PreAccept",
    "r2->r5 PreAccept",
  ]);
  // Conflicts at r3 and r4 (already out of the fast quorum) leave no majority to hold the
  // attributes, but a fast commit with r5 is still possible: wait and retry later.
  const again = tryingRecoverer();
  again.step("r3", tryReply(false, {}));
  again.step("r4", tryReply(false, {}));
  assert.deepEqual(log(again), []);
  again.step("r5", tryReply(true));
  assert.deepEqual(log(again), [], "the recovery was deferred");
  assert.equal(again.instance("r1.1")?.status, "preaccepted");
});

Deno.test("An acceptor answers TryPreAccept with the conflicting instance that would be left without a dependency, and otherwise pre-accepts at the recovery ballot", () => {
  const r3 = new EpaxosNode({ id: "r3", nodes: NODES, fastQuorum: "optimized" });
  request(r3, "x", 1);
  log(r3);
  const tryPreAccept = (deps: string[]): EpaxosMessage => ({
    type: "TryPreAccept",
    ballot: { round: 1, proposer: "r2" },
    id: "r1.1",
    command: write("x", 2),
    seq: 1,
    deps,
  });
  r3.step("r2", tryPreAccept([]));
  const [conflict] = r3.ready().messages;
  assert.deepEqual(conflict.msg, {
    type: "TryPreAcceptReply",
    ballot: { round: 1, proposer: "r2" },
    id: "r1.1",
    ok: false,
    conflict: { id: "r3.1", committed: false, fromLeader: true },
  });
  r3.step("r2", tryPreAccept(["r3.1"]));
  assert.deepEqual(log(r3), ["r3->r2 TryPreAcceptReply r1.1 b=1"]);
  const held = r3.instance("r1.1")!;
  assert.deepEqual([held.status, held.seq, held.deps, held.vballot.round], [
    "preaccepted",
    1,
    ["r3.1"],
    1,
  ]);
});

Deno.test("A replica that hears of a higher instance number than it knows recovers the instances it missed (catch-up), and advertises what it knows", () => {
  const r3 = new EpaxosNode({ id: "r3", nodes: NODES, recoveryTimeoutMs: 100 });
  r3.step("r1", { type: "Commit", id: "r1.1", command: write("x", 1), seq: 1, deps: [] });
  log(r3);
  r3.step("r2", { type: "Frontier", highest: { r1: 2, r2: 1 } });
  r3.tick(200);
  assert.deepEqual(
    log(r3).filter((l) => l.includes("Prepare")).map((l) => l.split(" ").slice(0, 3).join(" ")),
    [
      "r3->r1 Prepare r1.2",
      "r3->r2 Prepare r1.2",
      "r3->r4 Prepare r1.2",
      "r3->r5 Prepare r1.2",
      "r3->r1 Prepare r2.1",
      "r3->r2 Prepare r2.1",
      "r3->r4 Prepare r2.1",
      "r3->r5 Prepare r2.1",
    ],
  );
  r3.tick(1000);
  const frontier = r3.ready().messages.find((m) => m.msg.type === "Frontier");
  assert.deepEqual(frontier?.msg, { type: "Frontier", highest: { r1: 2, r2: 1 } });
});
