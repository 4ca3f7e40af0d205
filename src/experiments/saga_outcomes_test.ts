import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

const small = { sagas: 8, failurePoints: 3, crashPoints: 2 };

Deno.test("saga-outcomes reports committed, compensated and stuck totals and per-point counts", () => {
  const run = runExperiment("saga-outcomes", small, 3);
  const { committed, compensated, stuck, points } = run.summary as {
    committed: number;
    compensated: number;
    stuck: number;
    points: { committed: number; compensated: number; stuck: number }[];
  };
  assert.equal(points.length, 6);
  assert.equal(committed + compensated + stuck, 6 * 8);
  assert.equal(committed, points.reduce((s, p) => s + p.committed, 0));
  assert.equal(stuck, 0, "the correct orchestrator leaves no saga stuck");
  assert.match(run.traceHash, /^[0-9a-f]+$/);
  assert.equal(run.charts.length, 2);
});

Deno.test("saga-outcomes shows the forgetful orchestrator leaving sagas stuck", () => {
  const run = runExperiment("saga-outcomes", { ...small, variant: "forgetful" }, 1);
  assert.ok((run.summary.stuck as number) > 0);
});

Deno.test("saga-outcomes with choreography leaves no saga stuck", () => {
  const run = runExperiment("saga-outcomes", { ...small, mode: "choreographed" }, 2);
  assert.equal(run.summary.stuck, 0);
});

Deno.test("saga-outcomes is deterministic per seed", () => {
  assert.equal(
    runExperiment("saga-outcomes", small, 9).traceHash,
    runExperiment("saga-outcomes", small, 9).traceHash,
  );
});
