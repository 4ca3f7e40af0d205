import assert from "node:assert/strict";
import fc from "fast-check";
import {
  clockOffset,
  physicalClock,
  readMonotonic,
  readWall,
  setDrift,
  stepClock,
  uncertaintyMs,
} from "./physical_clock.ts";
import { commitWait, trueTimeNow } from "./true_time.ts";

Deno.test("A drifting clock gains driftPpm microseconds per true millisecond", () => {
  const clock = physicalClock({ offsetMs: 3, driftPpm: 250 });
  assert.equal(clockOffset(clock, 0), 3);
  assert.ok(Math.abs(clockOffset(clock, 60_000) - 18) < 1e-9);
});

Deno.test("physicalClock rejects an impossible drift, naming the range", () => {
  assert.throws(
    () => physicalClock({ driftPpm: 2e5 }),
    /driftPpm must be within ±100000, got 200000/,
  );
});

Deno.test("The monotonic clock never goes back, whatever steps hit the wall clock", () => {
  const change = fc.record({
    gapMs: fc.integer({ min: 0, max: 1000 }),
    stepMs: fc.integer({ min: -500, max: 500 }),
    driftPpm: fc.integer({ min: -1000, max: 1000 }),
  });
  fc.assert(
    fc.property(fc.array(change, { maxLength: 20 }), (changes) => {
      let clock = physicalClock();
      let t = 0;
      let lastMonotonic = 0;
      let wentBack = false;
      for (const { gapMs, stepMs, driftPpm } of changes) {
        t += gapMs;
        const wallBefore = readWall(clock, t);
        clock = setDrift(stepClock(clock, t, stepMs), t, driftPpm);
        if (readWall(clock, t) < wallBefore) wentBack = true;
        const monotonic = readMonotonic(clock, t);
        assert.ok(monotonic >= lastMonotonic);
        lastMonotonic = monotonic;
      }
      return wentBack || true;
    }),
  );
});

Deno.test("A negative step makes the wall clock go back in time", () => {
  const clock = stepClock(physicalClock(), 100, -30);
  assert.ok(readWall(clock, 110) < readWall(physicalClock(), 100));
});

Deno.test("Uncertainty grows linearly with time since the last sync", () => {
  assert.equal(uncertaintyMs(2, 0, 100), 2);
  assert.equal(uncertaintyMs(2, 10_000, 100), 3);
});

Deno.test("TrueTime's interval contains true time while the error is within ε", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.integer({ min: 0, max: 1e6 }),
      (offset, t) => {
        const interval = trueTimeNow(readWall(physicalClock({ offsetMs: offset }), t), 5);
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
        const clock = physicalClock({
          offsetMs: offsetFraction * epsilon / 2,
          driftPpm,
          startTrueMs: start,
        });
        const result = commitWait(clock, { epsilonMs: epsilon, startTrueMs: start });
        assert.ok(Math.abs(result.waitMs - (2 * epsilon) / (1 + driftPpm / 1e6)) < 1e-6);
        // External consistency (Spanner §4.1.2): start ≤ s < visible, in true time.
        assert.ok(start <= result.commitTimestampMs);
        assert.ok(result.commitTimestampMs <= result.visibleTrueMs + 1e-6);
      },
    ),
  );
});
