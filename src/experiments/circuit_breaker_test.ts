import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

const small = { durationMs: 10_000, outageStartMs: 2000, outageMs: 5000 };

Deno.test("circuit-breaker trips in the outage, rejects while open and admits at most halfOpenProbes", () => {
  const run = runExperiment("circuit-breaker", small, 1);
  const s = run.summary as Record<string, number | string | null>;
  assert.ok((s.trips as number) >= 1);
  assert.ok((s.rejectedByBreaker as number) > 0);
  assert.ok((s.timeOpenMs as number) > 0);
  assert.ok((s.maxHalfOpenInFlight as number) <= 3);
  assert.equal(s.probesBounded, null);
  assert.equal(s.openRejects, null);
  assert.deepEqual(run.charts.map((c) => c.title), [
    "Breaker state, error rate and load on the dependency",
  ]);
  JSON.parse(JSON.stringify(run.charts));
});

Deno.test("circuit-breaker's half-open-flood variant lets more than halfOpenProbes through, and the invariant says so", () => {
  const correct = runExperiment("circuit-breaker", small, 1).summary;
  const flood =
    runExperiment("circuit-breaker", { ...small, variant: "half-open-flood" }, 1).summary;
  assert.ok((flood.halfOpenPermits as number) > (correct.halfOpenPermits as number));
  assert.ok((flood.maxHalfOpenInFlight as number) > 3);
  assert.match(flood.probesBounded as string, /Half-open breaker admitted \d+ probes/);
});

Deno.test("circuit-breaker without a breaker sends the dependency every call through the outage", () => {
  const none = runExperiment("circuit-breaker", { ...small, breaker: false }, 1).summary;
  const withBreaker = runExperiment("circuit-breaker", small, 1).summary;
  assert.equal(none.variant, "none");
  assert.equal(none.rejectedByBreaker, 0);
  assert.ok(
    (none.callsToDependencyDuringOutage as number) >
      3 * (withBreaker.callsToDependencyDuringOutage as number),
  );
});

Deno.test("circuit-breaker is deterministic per seed and refuses an outage after the end", () => {
  const a = runExperiment("circuit-breaker", small, 5);
  const b = runExperiment("circuit-breaker", small, 5);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
  assert.notEqual(a.traceHash, runExperiment("circuit-breaker", small, 6).traceHash);
  assert.throws(
    () => runExperiment("circuit-breaker", { durationMs: 1000, outageStartMs: 5000 }, 1),
    /outageStartMs \(5000\) must be ≤ durationMs \(1000\)/,
  );
});
