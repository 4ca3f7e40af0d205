import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("paxos-search finds no violation in correct Multi-Paxos", () => {
  const run = runExperiment("paxos-search", { variant: "correct", numRuns: 200 }, 3);
  assert.equal(run.summary.ok, true);
  assert.equal(run.summary.violations, 0);
  assert.equal(run.summary.casesRun, 200);
  assert.equal(run.summary.counterexample, undefined);
});

Deno.test("paxos-search catches forget-accepted with a short counterexample and its replay", () => {
  for (const protocol of ["single", "multi"]) {
    const run = runExperiment("paxos-search", { variant: "forget-accepted", protocol }, 1);
    const summary = run.summary as Record<string, unknown>;
    assert.equal(summary.ok, false);
    assert.ok((summary.violations as number) >= 1);
    assert.ok((summary.counterexampleSize as number) <= 5);
    assert.match(String(summary.violation), /^paxos-agreement: Two values chosen for slot 0/);
    const replay = summary.replay as { seed: number; path: string };
    assert.equal(replay.seed, 1);
    assert.match(replay.path, /^\d+(:\d+)*$/);
    assert.match((summary.schedule as string[])[0], /^seed \d+$/);
    assert.equal(run.charts.length, 1);
    // Same seed, same search, same counterexample.
    const again = runExperiment("paxos-search", { variant: "forget-accepted", protocol }, 1);
    assert.equal(again.traceHash, run.traceHash);
  }
});

Deno.test("paxos-search names the parameter and its range on a bad value", () => {
  assert.throws(
    () => runExperiment("paxos-search", { variant: "sloppy" }),
    /parameter variant must be one of correct, forget-accepted/,
  );
});
