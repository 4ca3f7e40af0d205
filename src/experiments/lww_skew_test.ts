import assert from "node:assert/strict";
import fc from "fast-check";
import { runLwwOnce } from "./lww_skew.ts";
import { runExperiment } from "./run.ts";

const chain = fc.record({
  seed: fc.integer({ min: 1, max: 1e6 }),
  nodes: fc.integer({ min: 2, max: 4 }),
  latencyMaxMs: fc.integer({ min: 1, max: 30 }),
  skewFactor: fc.integer({ min: 3, max: 10 }),
});

Deno.test("LWW on skewed physical clocks loses updates that HLC and version vectors keep", () => {
  fc.assert(
    fc.property(chain, ({ seed, nodes, latencyMaxMs, skewFactor }) => {
      // Neighbouring clocks differ by more than any message delay.
      const skewMs = skewFactor * (latencyMaxMs + 1) * (nodes - 1);
      const options = {
        nodes,
        writes: 60,
        skewMs,
        latencyMinMs: 0,
        latencyMaxMs,
        forkProbability: 0,
      };
      const physical = runLwwOnce("lww-physical", options, seed);
      const hlc = runLwwOnce("lww-hlc", options, seed);
      const versions = runLwwOnce("version-vectors", options, seed);
      assert.ok(
        physical.lostUpdates > 0,
        "skewed physical clocks should lose a causally later write",
      );
      assert.equal(hlc.lostUpdates, 0, "HLC respects causality: a later write always wins");
      assert.equal(versions.lostUpdates, 0);
    }),
    { numRuns: 40 },
  );
});

Deno.test("With concurrent writes, LWW (even on HLC) drops some, version vectors none", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 0, max: 200 }),
      (seed, skewMs) => {
        const options = {
          nodes: 3,
          writes: 80,
          skewMs,
          latencyMinMs: 1,
          latencyMaxMs: 20,
          forkProbability: 0.2,
        };
        assert.equal(runLwwOnce("version-vectors", options, seed).lostUpdates, 0);
      },
    ),
    { numRuns: 30 },
  );
  const options = {
    nodes: 3,
    writes: 80,
    skewMs: 0,
    latencyMinMs: 1,
    latencyMaxMs: 20,
    forkProbability: 0.2,
  };
  assert.ok(runLwwOnce("lww-hlc", options, 1).lostUpdates > 0);
});

Deno.test("lww-skew is deterministic and its chart is plain JSON", () => {
  const a = runExperiment("lww-skew", { skewSteps: 3 }, 4);
  const b = runExperiment("lww-skew", { skewSteps: 3 }, 4);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
  assert.deepEqual(JSON.parse(JSON.stringify(a.charts)), a.charts);
});
