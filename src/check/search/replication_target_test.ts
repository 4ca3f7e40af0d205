import assert from "node:assert/strict";
import { search } from "./search.ts";
import { failoverSearchTarget, quorumSearchTarget } from "./replication_target.ts";

// Seeds and budgets are pinned: each search below replays exactly (see search.ts).
Deno.test("The quorum search finds no violation of ABD quorums in 150 cases", () => {
  const result = search(quorumSearchTarget({ variant: "abd" }), { seed: 1, numRuns: 150 });
  assert.ok(result.ok, result.violations[0]?.message);
});

Deno.test("The quorum search catches first-reply reads, sloppy quorums counted as strict and R + W <= N", () => {
  for (const variant of ["first-reply", "sloppy-as-strict", "r-plus-w-le-n"] as const) {
    const result = search(quorumSearchTarget({ variant }), { seed: 1, numRuns: 300 });
    assert.equal(result.ok, false, `${variant} should be caught`);
    assert.equal(result.violations[0].invariant, "linearizability");
    assert.ok(result.replay, `${variant}: a failure prints the {seed, path} that replays it`);
  }
});

Deno.test("The failover search catches split brain without fencing and none with it", () => {
  const broken = search(failoverSearchTarget({ variant: "no-fencing" }), { seed: 1, numRuns: 100 });
  assert.equal(broken.ok, false);
  assert.equal(broken.violations[0].invariant, "split-brain");
  const fenced = search(failoverSearchTarget({ variant: "correct", mode: "sync" }), {
    seed: 1,
    numRuns: 100,
  });
  assert.ok(fenced.ok, fenced.violations[0]?.message);
});
