import assert from "node:assert/strict";
import { PbftNode } from "./node.ts";
import type { PbftMessage, PbftRequest } from "./types.ts";
import { requestDigest } from "./types.ts";

const NODES = ["r1", "r2", "r3", "r4"];
const REQUEST: PbftRequest = { client: "c1", timestamp: 1, op: { f: "write", value: 7 } };
const DIGEST = requestDigest(REQUEST);

/** The messages a node wants sent, as a log: `r1->r2 Prepare v0 n1 c1#1#write:7`. */
function log(node: PbftNode): string[] {
  return node.ready().messages.map(({ to, msg }) => {
    const m = msg as Record<string, unknown>;
    const fields = ["view", "seq", "digest"].filter((k) => k in m).map((k) =>
      k === "view" ? `v${m[k]}` : k === "seq" ? `n${m[k]}` : String(m[k])
    );
    return [`${node.id}->${to} ${msg.type}`, ...fields].join(" ");
  });
}

Deno.test("A backup prepares a PrePrepare from the primary, commits with 2f Prepares and executes with 2f + 1 Commits (PBFT §4.2)", () => {
  const backup = new PbftNode({ id: "r2", nodes: NODES });
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: DIGEST, request: REQUEST });
  assert.deepEqual(log(backup), [
    "r2->r1 Prepare v0 n1 c1#1#write:7",
    "r2->r3 Prepare v0 n1 c1#1#write:7",
    "r2->r4 Prepare v0 n1 c1#1#write:7",
  ]);
  backup.step("r3", { type: "Prepare", view: 0, seq: 1, digest: DIGEST });
  assert.deepEqual(log(backup), [
    "r2->r1 Commit v0 n1 c1#1#write:7",
    "r2->r3 Commit v0 n1 c1#1#write:7",
    "r2->r4 Commit v0 n1 c1#1#write:7",
  ]);
  backup.step("r1", { type: "Commit", view: 0, seq: 1, digest: DIGEST });
  assert.equal(backup.lastExecuted, 0, "two Commits are not 2f + 1");
  backup.step("r3", { type: "Commit", view: 0, seq: 1, digest: DIGEST });
  assert.equal(backup.lastExecuted, 1);
  assert.deepEqual(log(backup), ["r2->c1 Reply v0"]);
});

Deno.test("A backup refuses a PrePrepare from a replica that is not the primary, and a second one for the same sequence number", () => {
  const backup = new PbftNode({ id: "r2", nodes: NODES });
  backup.step("r3", { type: "PrePrepare", view: 0, seq: 1, digest: DIGEST, request: REQUEST });
  assert.deepEqual(log(backup), []);
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: DIGEST, request: REQUEST });
  assert.equal(log(backup).length, 3);
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: "null", request: null });
  assert.deepEqual(log(backup), [], "an equivocating primary's second PrePrepare is ignored");
});

Deno.test("A backup refuses a PrePrepare whose digest does not match its request", () => {
  const backup = new PbftNode({ id: "r2", nodes: NODES });
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: "null", request: REQUEST });
  assert.deepEqual(log(backup), []);
});

Deno.test("Prepares from the primary do not count towards a prepared certificate", () => {
  const backup = new PbftNode({ id: "r2", nodes: NODES });
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: DIGEST, request: REQUEST });
  log(backup);
  backup.step("r1", { type: "Prepare", view: 0, seq: 1, digest: DIGEST });
  assert.deepEqual(log(backup), []);
});

Deno.test("With quorums shrunk to 2f a backup commits on its own Prepare alone", () => {
  const backup = new PbftNode({ id: "r2", nodes: NODES, variant: "quorum-2f" });
  backup.step("r1", { type: "PrePrepare", view: 0, seq: 1, digest: DIGEST, request: REQUEST });
  assert.equal(log(backup).filter((l) => l.includes("Commit")).length, 3);
});

Deno.test("A new primary re-proposes the prepared request and fills gaps with null requests (PBFT §4.4)", () => {
  const r2 = new PbftNode({ id: "r2", nodes: NODES, viewChangeTimeoutMs: 100 });
  const prepared = [{ seq: 2, view: 0, digest: DIGEST, request: REQUEST }];
  const state = { register: null, replies: {} };
  const viewChange = (p: typeof prepared): PbftMessage => ({
    type: "ViewChange",
    view: 1,
    stableSeq: 0,
    state,
    prepared: p,
  });
  r2.step("r3", viewChange(prepared));
  r2.step("r4", viewChange([]));
  // f + 1 replicas ask for view 1: r2 joins, and as its primary it now holds 2f + 1.
  const ready = r2.ready();
  const sent = ready.messages.map(({ to, msg }) => `r2->${to} ${msg.type} v1`);
  const newView = ready.messages.find((m) => m.msg.type === "NewView")!.msg;
  assert.ok(newView.type === "NewView");
  assert.deepEqual(newView.prePrepares.map((e) => `${e.seq} ${e.digest}`), [
    "1 null",
    `2 ${DIGEST}`,
  ]);
  assert.equal(r2.view, 1);
  assert.equal(r2.viewChanging, false);
  assert.deepEqual(sent.filter((l) => l.startsWith("r2->r3")), [
    "r2->r3 ViewChange v1",
    "r2->r3 NewView v1",
  ]);
});

Deno.test("A backup refuses a NewView whose PrePrepares do not follow from its ViewChanges", () => {
  const r3 = new PbftNode({ id: "r3", nodes: NODES });
  const viewChanges = ["r2", "r3", "r4"].map((from) => ({
    from,
    stableSeq: 0,
    prepared: from === "r4" ? [{ seq: 1, view: 0, digest: DIGEST, request: REQUEST }] : [],
  }));
  const newView = (prePrepares: { seq: number; digest: string; request: PbftRequest | null }[]) =>
    ({
      type: "NewView",
      view: 1,
      viewChanges,
      stableSeq: 0,
      state: { register: null, replies: {} },
      prePrepares,
    }) as const;
  r3.viewChangeTimeout();
  log(r3);
  r3.step("r2", newView([{ seq: 1, digest: "null", request: null }]));
  assert.equal(r3.viewChanging, true, "a NewView that drops a prepared request is a lie");
  r3.step("r2", newView([{ seq: 1, digest: DIGEST, request: REQUEST }]));
  assert.equal(r3.viewChanging, false);
  assert.deepEqual(log(r3).filter((l) => l.includes("Prepare")), [
    "r3->r1 Prepare v1 n1 c1#1#write:7",
    "r3->r2 Prepare v1 n1 c1#1#write:7",
    "r3->r4 Prepare v1 n1 c1#1#write:7",
  ]);
});
