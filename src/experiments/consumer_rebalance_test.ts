import assert from "node:assert/strict";
import { ownershipSpans } from "./consumer_rebalance.ts";
import { runExperiment } from "./run.ts";

Deno.test("consumer-rebalance counts the rebalances of a crash, a partition and a join", () => {
  const run = runExperiment("consumer-rebalance", {}, 1);
  const summary = run.summary as {
    rebalances: number;
    lost: number;
    byReason: Record<string, number>;
  };
  assert.ok(summary.rebalances >= 4, `rebalances ${summary.rebalances}`);
  assert.ok(summary.byReason["session-timeout"] >= 1);
  assert.equal(summary.lost, 0, "at-least-once loses nothing across rebalances");
});

Deno.test("ownershipSpans gives each partition one owner per generation until the next rebalance", () => {
  const spans = ownershipSpans([
    {
      atMs: 0,
      group: "g",
      generation: 1,
      reason: "join",
      member: "c1",
      assignment: { c1: [0, 1] },
    },
    {
      atMs: 50,
      group: "g",
      generation: 2,
      reason: "join",
      member: "c2",
      assignment: { c1: [0], c2: [1] },
    },
  ], 100);
  assert.deepEqual(spans.map((s) => `${s.partition}:${s.member}:${s.fromMs}-${s.toMs}`), [
    "0:c1:0-50",
    "1:c1:0-50",
    "0:c1:50-100",
    "1:c2:50-100",
  ]);
});
