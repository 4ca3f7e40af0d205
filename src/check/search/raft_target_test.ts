import assert from "node:assert/strict";
import { search } from "./search.ts";
import { RAFT_NEMESES, type RaftNemesis, raftSearchTarget } from "./raft_target.ts";

// Every broken variant is caught by every nemesis within 100 cases (a third of the search's
// default budget), on each pinned search seed, and shrinks to a short counterexample. Measured over 10
// seeds: no-prev-log-check needs at most 9 cases, stale-vote 43, commit-old-term 91.
const BROKEN = ["no-prev-log-check", "stale-vote", "commit-old-term"] as const;
const SEEDS = [1, 2, 3];

for (const variant of BROKEN) {
  for (const nemesis of Object.keys(RAFT_NEMESES) as RaftNemesis[]) {
    Deno.test(`the ${nemesis} nemesis catches Raft ${variant} within 100 cases`, () => {
      for (const seed of SEEDS) {
        const result = search(raftSearchTarget({ variant, nemesis }), { seed, numRuns: 100 });
        assert.equal(result.ok, false, `${variant}, ${nemesis}, seed ${seed}: nothing found`);
        assert.ok(
          result.counterexampleSize! <= 6,
          `${variant}: ${result.counterexampleSize} items\n${result.schedule!.join("\n")}`,
        );
        assert.match(result.replay!.path, /^\d+(:\d+)*$/);
      }
    });
  }
}

// The correct implementation survives both nemeses (600 cases each, a few seconds).
for (const nemesis of Object.keys(RAFT_NEMESES) as RaftNemesis[]) {
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

Deno.test("correct Raft recovers after every fault is healed (liveness phase), 100 cases", () => {
  const target = raftSearchTarget({ livenessMs: 2500, horizonMs: 4500, operations: 400 });
  const result = search(target, { seed: 7, numRuns: 100 });
  assert.equal(result.ok, true, `${result.violations[0]?.message}\n${result.schedule?.join("\n")}`);
});

Deno.test("raftSearchTarget validates its options", () => {
  assert.throws(() => raftSearchTarget({ livenessMs: 3000, horizonMs: 2000 }), /livenessMs/);
  assert.throws(() => raftSearchTarget({ nemesis: "chaos" as never }), /nemesis must be/);
});
