import assert from "node:assert/strict";
import fc from "fast-check";
import { runExperiment } from "./run.ts";
import { FALLACIES } from "../sim/fallacies.ts";

const run = (params: Record<string, unknown>, seed = 7) =>
  runExperiment("fallacies", params, seed).summary as Record<string, number | boolean>;

Deno.test("fallacies is deterministic per seed and differs across seeds", () => {
  for (const f of ["all", ...FALLACIES.map((x) => x.id)]) {
    const a = runExperiment("fallacies", { fallacy: f }, 7);
    const b = runExperiment("fallacies", { fallacy: f }, 7);
    assert.equal(a.traceHash, b.traceHash, f);
    assert.match(a.traceHash, /^[0-9a-f]{16}$/);
    assert.ok(a.charts.length > 0, `${f} draws a chart`);
  }
  assert.notEqual(
    runExperiment("fallacies", {}, 7).traceHash,
    runExperiment("fallacies", {}, 8).traceHash,
  );
});

Deno.test("fallacy 1: a perfect network applies every increment exactly once; a real one does not", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
      const perfect = run(
        { fallacy: "reliable", lossProbability: 0, duplicateProbability: 0 },
        seed,
      );
      assert.equal(perfect.error, 0);
      assert.equal(perfect.acked, perfect.intended);
    }),
    { numRuns: 20 },
  );
  const lossy = run({
    fallacy: "reliable",
    lossProbability: 0.3,
    duplicateProbability: 0.3,
    requests: 200,
  });
  assert.ok((lossy.lost as number) > 0 && (lossy.duplicated as number) > 0);
  assert.notEqual(lossy.acked, lossy.intended);
});

Deno.test("fallacy 2: variable latency reorders writes unless links are FIFO", () => {
  const racy = run({ fallacy: "latency", requests: 100 });
  assert.ok((racy.reordered as number) > 0);
  const fifo = run({ fallacy: "latency", requests: 100, fifo: true });
  assert.equal(fifo.reordered, 0);
  assert.equal(fifo.lastWriteLost, false);
});

Deno.test("fallacy 3: a burst beyond the link's queue is dropped; an ample link keeps up", () => {
  const narrow = run({ fallacy: "bandwidth" });
  assert.ok((narrow.droppedQueueFull as number) > 0);
  const wide = run({ fallacy: "bandwidth", bandwidthBytesPerMs: 1e6 });
  assert.equal(wide.droppedQueueFull, 0);
  assert.ok((wide.latencyMaxMs as number) < (narrow.latencyMaxMs as number));
});

Deno.test("fallacy 4: authentication stops tampered and forged transfers", () => {
  const open = run({ fallacy: "secure" });
  assert.ok((open.discrepancy as number) > 0);
  const authed = run({ fallacy: "secure", authenticate: true });
  assert.ok((authed.discrepancy as number) <= 0, "no money appears from nowhere");
  assert.equal(authed.rejected, (authed.tampered as number) + 1);
});

Deno.test("fallacy 5: views disagree longer when the partition lasts longer", () => {
  const short = run({ fallacy: "topology", partitionMs: 0 });
  const long = run({ fallacy: "topology", partitionMs: 2000 });
  assert.ok((long.disagreementMs as number) > (short.disagreementMs as number));
});

Deno.test("fallacy 6: only the misconfigured follower raises false alarms", () => {
  const drifted = run({ fallacy: "administrator" });
  assert.ok((drifted.suspicions_n4 as number) > 0);
  assert.equal(drifted.suspicions_n1, 0);
  const aligned = run({ fallacy: "administrator", misconfiguredTimeoutMs: 300 });
  assert.equal(aligned.falseSuspicions, 0);
});

Deno.test("fallacy 7: batching cuts the cost of the same updates", () => {
  const single = run({ fallacy: "transport-cost", batchSize: 1 });
  const batched = run({ fallacy: "transport-cost", batchSize: 20 });
  assert.ok((batched.cost as number) < (single.cost as number) / 2);
});

Deno.test("fallacy 8: the slowest server sets the fan-out latency", () => {
  const uneven = run({ fallacy: "homogeneous", slowProcessingMs: 30 });
  assert.ok((uneven.fanOutP50Ms as number) >= 30);
  const even = run({ fallacy: "homogeneous", slowProcessingMs: 1, driftPpm: 0 });
  assert.ok((even.fanOutP50Ms as number) < 15);
  assert.equal(even.clockSkewAtEndMs, 0);
});

Deno.test("runExperiment rejects unknown experiments and out-of-range parameters", () => {
  assert.throws(() => runExperiment("nope"), /Unknown experiment "nope" \(known: .*fallacies/);
  assert.throws(
    () => runExperiment("fallacies", { lossProbability: 1.5 }),
    /parameter lossProbability must be a number in \[0, 1\], got 1.5/,
  );
  assert.throws(() => runExperiment("fallacies", { fallacy: "x" }), /one of all, reliable/);
  assert.throws(() => runExperiment("fallacies", { wat: 1 }), /unknown parameter wat/);
});
