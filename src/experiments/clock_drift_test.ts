import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

type Stats = { maxAbsOffsetMs: number; meanAbsOffsetMs: number; maxSkewMs: number };

Deno.test("clock-drift is deterministic: same seed, same trace hash and summary", () => {
  for (const algorithm of ["cristian", "berkeley", "ntp"]) {
    const a = runExperiment("clock-drift", { algorithm, durationMs: 30_000 }, 11);
    const b = runExperiment("clock-drift", { algorithm, durationMs: 30_000 }, 11);
    assert.equal(a.traceHash, b.traceHash);
    assert.deepEqual(a.summary, b.summary);
    assert.notEqual(
      a.traceHash,
      runExperiment("clock-drift", { algorithm, durationMs: 30_000 }, 12).traceHash,
    );
  }
});

Deno.test("clock-drift: Cristian and NTP stay within their promised bound, asymmetric path or not", () => {
  for (const algorithm of ["cristian", "ntp"]) {
    for (const asymmetryMs of [0, 40]) {
      for (const seed of [1, 2, 3]) {
        const run = runExperiment("clock-drift", { algorithm, asymmetryMs }, seed);
        const synced = run.summary.synced as Stats;
        const bound = run.summary.promisedBoundMs as number;
        assert.ok(
          synced.maxAbsOffsetMs <= bound,
          `${algorithm} seed ${seed} asymmetry ${asymmetryMs}: ${synced.maxAbsOffsetMs} > ${bound}`,
        );
      }
    }
  }
});

Deno.test("clock-drift: every algorithm shrinks the skew between nodes", () => {
  for (const algorithm of ["cristian", "berkeley", "ntp"]) {
    const run = runExperiment("clock-drift", { algorithm }, 5);
    const before = run.summary.unsynced as Stats;
    const after = run.summary.synced as Stats;
    assert.ok(after.maxSkewMs < before.maxSkewMs / 5, `${algorithm}: ${after.maxSkewMs}`);
  }
});

Deno.test("clock-drift rejects latencyMaxMs below latencyMinMs, naming both", () => {
  assert.throws(
    () => runExperiment("clock-drift", { latencyMinMs: 10, latencyMaxMs: 5 }),
    /latencyMaxMs \(5\) must be ≥ latencyMinMs \(10\)/,
  );
});

Deno.test("clock-drift charts are plain JSON", () => {
  const run = runExperiment("clock-drift", { durationMs: 5000, samples: 10 });
  for (const chart of run.charts) {
    assert.deepEqual(JSON.parse(JSON.stringify(chart.spec)), chart.spec);
  }
});
