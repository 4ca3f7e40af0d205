import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

const small = { orders: 60, crashPoints: 3, trials: 2 };

Deno.test("outbox: relay crashes cause duplicates that only the naive consumer applies twice", () => {
  const run = runExperiment("outbox", small, 1);
  const s = run.summary as Record<string, number>;
  assert.ok(s.duplicatesDelivered > 0, "crashes between publish and mark republish rows");
  assert.equal(s.appliedTwiceNaive, s.duplicatesDelivered);
  assert.equal(s.appliedTwiceIdempotent, 0);
  assert.equal(s.lost, 0);
  const points = run.summary.points as { crashRate: number; duplicatesDelivered: number }[];
  assert.deepEqual(points[0], {
    crashRate: 0,
    duplicatesDelivered: 0,
    appliedTwiceNaive: 0,
    appliedTwiceIdempotent: 0,
    lost: 0,
  });
});

Deno.test("outbox: a relay that marks before publishing loses events when a publish is lost", () => {
  const run = runExperiment("outbox", { ...small, relay: "mark-first", lossProbability: 0.05 }, 1);
  assert.ok((run.summary.lost as number) > 0);
});
