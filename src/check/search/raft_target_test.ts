import assert from "node:assert/strict";
import { search } from "./search.ts";
import { raftSearchTarget } from "./raft_target.ts";

// Each broken variant is caught within a bounded budget, with a short counterexample. Seeds
// are pinned (the search is deterministic); budgets leave headroom over what they need.
const BROKEN = [
  { variant: "no-prev-log-check", seed: 1, budget: 100, maxSize: 2 },
  { variant: "stale-vote", seed: 1, budget: 100, maxSize: 2 },
  { variant: "commit-old-term", seed: 3, budget: 300, maxSize: 4 },
] as const;

for (const { variant, seed, budget, maxSize } of BROKEN) {
  Deno.test(`search catches Raft ${variant} within ${budget} cases`, () => {
    const result = search(raftSearchTarget({ variant }), { seed, numRuns: budget });
    assert.equal(result.ok, false, `${variant}: nothing found`);
    assert.ok(
      result.counterexampleSize! <= maxSize,
      `${variant}: ${result.counterexampleSize} items\n${result.schedule!.join("\n")}`,
    );
    assert.match(result.replay!.path, /^\d+(:\d+)*$/);
  });
}

// The correct implementation survives both nemeses (600 cases each, a few seconds).
for (const nemesis of ["leader", "mixed"] as const) {
  Deno.test(`correct Raft survives 600 ${nemesis}-nemesis schedules, linearizability included`, () => {
    const result = search(raftSearchTarget({ nemesis }), { seed: 2026, numRuns: 600 });
    assert.equal(
      result.ok,
      true,
      `${result.violations[0]?.message}\n${result.schedule?.join("\n")}\nreplay ${
        JSON.stringify(result.replay)
      }`,
    );
  });
}
