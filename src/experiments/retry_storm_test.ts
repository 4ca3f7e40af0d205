import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

const small = { durationMs: 8000, slowStartMs: 2000, slowMs: 2000 };

Deno.test("retry-storm: retries at every hop amplify load at the database; a retry budget contains it", () => {
  const run = runExperiment("retry-storm", small, 1);
  const amp = run.summary.amplification as Record<string, number>;
  assert.deepEqual(Object.keys(amp), ["no-retries", "immediate", "backoff", "jitter", "budget"]);
  assert.equal(amp["no-retries"], 1);
  assert.ok(amp.immediate > 2, `immediate retries amplify: ${amp.immediate}`);
  assert.ok(amp.budget < 1.5, `the budget caps amplification near 1 + ratio: ${amp.budget}`);
  assert.ok(amp.immediate <= (run.summary.worstCaseAmplification as number));
  const peak = run.summary.peakLoadPerSecond as Record<string, number>;
  assert.ok(peak.jitter < peak.immediate, "jitter spreads the retries out in time");
  assert.deepEqual(run.charts.map((c) => c.title), [
    "Load reaching the database",
    "Load amplification",
  ]);
});

Deno.test("retry-storm runs one policy when asked, deterministically", () => {
  const a = runExperiment("retry-storm", { ...small, policy: "budget" }, 3);
  const b = runExperiment("retry-storm", { ...small, policy: "budget" }, 3);
  assert.deepEqual(Object.keys(a.summary.amplification as object), ["budget"]);
  assert.equal(a.traceHash, b.traceHash);
});
