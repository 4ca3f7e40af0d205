import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("raft-search reports a counterexample and its replay for commit-old-term", () => {
  const run = runExperiment("raft-search", { variant: "commit-old-term" }, 3);
  const summary = run.summary as Record<string, unknown>;
  assert.equal(summary.ok, false);
  assert.match(
    String(summary.violation),
    /^(leader-completeness|state-machine-safety|log-matching)/,
  );
  assert.ok((summary.counterexampleSize as number) <= 4);
  assert.deepEqual(Object.keys(summary.replay as object), ["seed", "path"]);
  assert.equal(run.charts.length, 1);
});

Deno.test("raft-search finds nothing in correct Raft with a small budget", () => {
  const run = runExperiment("raft-search", { numRuns: 40 }, 5);
  assert.equal(run.summary.ok, true);
  assert.equal(run.summary.violations, 0);
});
