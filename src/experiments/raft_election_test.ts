import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";
import { ParamError } from "./params.ts";

Deno.test("raft-election summarizes downtime with median, mean, p99, max and the samples", () => {
  const run = runExperiment("raft-election", { trials: 50 }, 3);
  const s = run.summary as Record<string, unknown>;
  for (const key of ["medianMs", "meanMs", "p99Ms", "maxMs"]) assert.equal(typeof s[key], "number");
  assert.equal((s.samplesMs as number[]).length, 50);
  assert.ok((s.medianMs as number) <= (s.p99Ms as number));
  assert.ok((s.p99Ms as number) <= (s.maxMs as number));
  assert.deepEqual(run.charts.map((c) => c.title), [
    "Time without leader (CDF)",
    "Election timeline",
  ]);
  JSON.parse(JSON.stringify(run.charts)); // plain JSON
});

Deno.test("raft-election is deterministic per seed", () => {
  const a = runExperiment("raft-election", { trials: 30 }, 8);
  const b = runExperiment("raft-election", { trials: 30 }, 8);
  const c = runExperiment("raft-election", { trials: 30 }, 9);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
  assert.notEqual(a.traceHash, c.traceHash);
});

Deno.test("raft-election paper mode runs the ten ranges of Figure 16", () => {
  let calls = 0;
  const run = runExperiment("raft-election", { ranges: "paper", trials: 5 }, 1, {
    onProgress: () => calls++,
  });
  const ranges = (run.summary.ranges as { range: string }[]).map((r) => r.range);
  assert.deepEqual(ranges, [
    "150–150",
    "150–151",
    "150–155",
    "150–175",
    "150–200",
    "150–300",
    "12–24",
    "25–50",
    "50–100",
    "100–200",
  ]);
  assert.equal(run.charts.length, 3);
  assert.ok(calls > 0);
});

Deno.test("raft-election shows less downtime with more randomness (§9.3)", () => {
  const median = (min: number, max: number) =>
    runExperiment("raft-election", { trials: 200, timeoutMinMs: min, timeoutMaxMs: max }, 1)
      .summary.medianMs as number;
  assert.ok(median(150, 151) > median(150, 300));
});

Deno.test("raft-election rejects bad parameters, naming them", () => {
  assert.throws(
    () => runExperiment("raft-election", { trials: 0 }),
    (e) => e instanceof ParamError && /trials must be an integer in \[1, 100000\]/.test(e.message),
  );
  assert.throws(
    () => runExperiment("raft-election", { timeoutMinMs: 300, timeoutMaxMs: 150 }),
    /timeoutMaxMs \(150\) must be ≥ timeoutMinMs \(300\)/,
  );
});

Deno.test("raft-election draws trials that hit the 60 s cap as missing from the CDF, not at 60 s", () => {
  // Equal timeouts split votes until clock drift pulls the servers apart; some trials of
  // 150–150 hit the cap (seed chosen so that a few do).
  const run = runExperiment(
    "raft-election",
    { timeoutMinMs: 150, timeoutMaxMs: 150, trials: 40 },
    1,
  );
  const s = run.summary as { capped: number; samplesMs: number[] };
  assert.ok(s.capped > 0, "some trials capped");
  const cdf = (run.data as { cdf: { fraction: number; ms: number }[] }).cdf;
  const top = Math.max(...cdf.map((p) => p.fraction));
  assert.ok(Math.abs(top - (40 - s.capped) / 40) < 1e-9, `CDF tops out at ${top}`);
  assert.equal(s.samplesMs.length, 40); // the statistics still count every trial
});
