import assert from "node:assert/strict";
import fc from "fast-check";
import { runExperiment } from "./run.ts";

const config = fc.record({
  seed: fc.integer({ min: 1, max: 1e6 }),
  nodes: fc.integer({ min: 1, max: 5 }),
  eventsPerNode: fc.integer({ min: 1, max: 8 }),
  sendProbability: fc.double({ min: 0, max: 1, noNaN: true }),
  maxSkewMs: fc.integer({ min: 0, max: 200 }),
  maxDriftPpm: fc.integer({ min: 0, max: 5000 }),
});

Deno.test("On the simulator, vector clocks match the trace's happens-before exactly; Lamport and HLC hold", () => {
  fc.assert(
    fc.property(config, ({ seed, ...params }) => {
      const run = runExperiment("causality", params, seed);
      assert.equal(run.summary.vectorClocksExact, true, String(run.data.violationLog));
      assert.equal(run.summary.lamportClockCondition, true);
      assert.equal(run.summary.hlcBoundsHold, true, String(run.summary.hlcViolation));
    }),
    { numRuns: 40 },
  );
});

for (const clock of ["vector-without-increment-on-receive", "vector-min-merge"]) {
  Deno.test(`causality catches the broken variant ${clock} on the simulator`, () => {
    const caught = [1, 2, 3, 4, 5].filter((seed) =>
      runExperiment("causality", { clock }, seed).summary.vectorClocksExact === false
    );
    assert.ok(caught.length >= 3, `${clock} caught only for seeds ${caught}`);
    const log = runExperiment("causality", { clock }, caught[0]).data.violationLog as string;
    assert.match(log, /Vector clocks disagree with causality/);
    assert.match(log, /receive \d+ from n\d/);
  });
}

Deno.test("causality is deterministic and counts every pair once", () => {
  const a = runExperiment("causality", {}, 9);
  const b = runExperiment("causality", {}, 9);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
  const n = a.summary.events as number;
  assert.equal(
    (a.summary.happensBeforePairs as number) + (a.summary.concurrentPairs as number),
    (n * (n - 1)) / 2,
  );
});
