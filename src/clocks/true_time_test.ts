import assert from "node:assert/strict";
import fc from "fast-check";
import { NodeClock } from "../sim/mod.ts";
import { commitWait, trueTimeNow, uncertaintyMs } from "./true_time.ts";

Deno.test("The kernel's monotonic clock never goes back, whatever steps hit the wall clock", () => {
  const change = fc.record({
    gapMs: fc.integer({ min: 0, max: 1000 }),
    stepMs: fc.integer({ min: -500, max: 500 }),
    driftPpm: fc.integer({ min: -1000, max: 1000 }),
  });
  fc.assert(
    fc.property(fc.array(change, { maxLength: 20 }), (changes) => {
      const clock = new NodeClock();
      let t = 0;
      let lastMonotonic = 0;
      for (const { gapMs, stepMs, driftPpm } of changes) {
        t += gapMs;
        clock.jump(t, stepMs);
        clock.setDrift(t, driftPpm);
        const monotonic = clock.monotonicMs(t);
        assert.ok(monotonic >= lastMonotonic);
        lastMonotonic = monotonic;
      }
    }),
  );
});

Deno.test("Uncertainty grows linearly with time since the last sync", () => {
  assert.equal(uncertaintyMs(2, 0, 100), 2);
  assert.equal(uncertaintyMs(2, 10_000, 100), 3);
});

Deno.test("trueTimeNow rejects a negative epsilon", () => {
  assert.throws(() => trueTimeNow(0, -1), /epsilonMs must be a finite number ≥ 0, got -1/);
});

Deno.test("TrueTime's interval contains true time while the error is within ε", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.integer({ min: 0, max: 1e6 }),
      (offset, t) => {
        const interval = trueTimeNow(new NodeClock({ offsetMs: offset }).nowMs(t), 5);
        assert.ok(interval.earliestMs <= t && t <= interval.latestMs);
      },
    ),
  );
});

Deno.test("Commit-wait costs about 2ε and puts s between start and visibility", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.1, max: 20, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.integer({ min: -200, max: 200 }),
      fc.integer({ min: 0, max: 1e6 }),
      (epsilon, offsetFraction, driftPpm, start) => {
        // A clock within ε/2 of true time at the start of the commit.
        const clock = new NodeClock({ driftPpm });
        clock.jump(start, offsetFraction * epsilon / 2 - clock.offsetMs(start));
        const result = commitWait(clock, { epsilonMs: epsilon, startTrueMs: start });
        assert.ok(Math.abs(result.waitMs - (2 * epsilon) / (1 + driftPpm / 1e6)) < 1e-6);
        // External consistency (Spanner §4.1.2): start ≤ s ≤ visible, in true time.
        assert.ok(start <= result.commitTimestampMs + 1e-9);
        assert.ok(result.commitTimestampMs <= result.visibleTrueMs + 1e-6);
      },
    ),
  );
});
