import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type BreakerEvent,
  type BreakerVariant,
  CircuitBreaker,
  type CircuitBreakerOptions,
  OPOSSUM_DEFAULTS,
  RESILIENCE4J_DEFAULTS,
} from "./circuit_breaker.ts";
import {
  halfOpenProbesBounded,
  openRejectsWithoutCalling,
} from "../check/invariants/resilience.ts";

const SEED = 20261202;

/** A script of calls: each asks at `atMs`; a permitted one reports after `durationMs`. */
const callScript = fc.array(
  fc.record({
    gapMs: fc.integer({ min: 0, max: 400 }),
    durationMs: fc.integer({ min: 1, max: 300 }),
    failed: fc.boolean(),
  }),
  { minLength: 1, maxLength: 120 },
);

type Call = { gapMs: number; durationMs: number; failed: boolean };

/** Plays a script against a breaker, completing calls in time order; returns its events. */
function play(script: readonly Call[], options: CircuitBreakerOptions): BreakerEvent[] {
  const events: BreakerEvent[] = [];
  const cb = new CircuitBreaker({ ...options, onEvent: (e) => events.push(e) });
  const pending: { endMs: number; failed: boolean; durationMs: number }[] = [];
  let now = 0;
  const settle = (untilMs: number) => {
    pending.sort((a, b) => a.endMs - b.endMs);
    while (pending.length > 0 && pending[0].endMs <= untilMs) {
      const p = pending.shift()!;
      cb.onResult(p.endMs, p);
    }
  };
  for (const call of script) {
    now += call.gapMs;
    settle(now);
    if (cb.tryAcquire(now)) pending.push({ endMs: now + call.durationMs, ...call });
  }
  settle(Infinity);
  return events;
}

const small = { windowSize: 5, minimumCalls: 3, waitInOpenMs: 500, halfOpenProbes: 2 };

Deno.test("A correct breaker never has more than halfOpenProbes probes in flight, and open never calls", () => {
  fc.assert(
    fc.property(callScript, fc.integer({ min: 1, max: 4 }), (script, probes) => {
      const events = play(script, { ...small, halfOpenProbes: probes });
      assert.equal(halfOpenProbesBounded(events, probes), null);
      assert.equal(openRejectsWithoutCalling(events), null);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

Deno.test("The seed's half-open-flood breaker is caught letting more than halfOpenProbes through", () => {
  // A burst of callers arriving just after the wait in open: the flood variant admits them all.
  const trip = Array.from({ length: 3 }, () => ({ gapMs: 1, durationMs: 1, failed: true }));
  const burst = Array.from({ length: 10 }, () => ({ gapMs: 0, durationMs: 100, failed: false }));
  const script = [...trip, { gapMs: 600, durationMs: 100, failed: false }, ...burst];
  const correct = play(script, small);
  const flood = play(script, { ...small, variant: "half-open-flood" });
  const permitted = (events: BreakerEvent[]) =>
    events.filter((e) => e.kind === "permitted" && e.state === "half-open").length;
  assert.equal(permitted(correct), 2);
  assert.equal(permitted(flood), 11);
  assert.equal(halfOpenProbesBounded(correct, 2), null);
  assert.match(halfOpenProbesBounded(flood, 2) ?? "", /admitted 3 probes/);
});

Deno.test("A property search finds the half-open flood and prints its replay", () => {
  const details = fc.check(
    fc.property(callScript, (script) => {
      const events = play(script, { ...small, variant: "half-open-flood" as BreakerVariant });
      return halfOpenProbesBounded(events, small.halfOpenProbes) === null;
    }),
    { seed: SEED, numRuns: 500 },
  );
  assert.equal(details.failed, true, "the search should catch the flood variant");
  assert.equal(typeof details.counterexamplePath, "string");
});

Deno.test("A count-based breaker trips only once minimumCalls are in the window", () => {
  const cb = new CircuitBreaker({ windowSize: 10, minimumCalls: 4, failureRateThreshold: 50 });
  for (let t = 0; t < 3; t++) {
    assert.ok(cb.tryAcquire(t));
    cb.onResult(t, { failed: true, durationMs: 1 });
  }
  assert.equal(cb.state, "closed", "3 failures are below minimumCalls 4");
  cb.tryAcquire(3);
  cb.onResult(3, { failed: false, durationMs: 1 });
  assert.equal(cb.state, "open", "3 of 4 failed: 75 % ≥ 50 %");
});

Deno.test("A count-based window forgets the oldest outcome as a new one arrives", () => {
  const cb = new CircuitBreaker({ windowSize: 4, minimumCalls: 4, failureRateThreshold: 50 });
  const outcomes = [true, false, false, false, true];
  outcomes.forEach((failed, t) => {
    cb.tryAcquire(t);
    cb.onResult(t, { failed, durationMs: 1 });
  });
  // The first failure slid out: the window holds false, false, false, true = 25 %.
  assert.deepEqual(cb.windowCounts(5), { calls: 4, failures: 1, slow: 0 });
  assert.equal(cb.state, "closed");
});

Deno.test("A time-based window forgets failures older than windowMs", () => {
  const cb = new CircuitBreaker({
    windowKind: "time",
    windowMs: 1000,
    windowBuckets: 10,
    minimumCalls: 3,
  });
  for (const t of [0, 10]) {
    cb.tryAcquire(t);
    cb.onResult(t, { failed: true, durationMs: 1 });
  }
  assert.deepEqual(cb.windowCounts(50), { calls: 2, failures: 2, slow: 0 });
  assert.deepEqual(cb.windowCounts(1100), { calls: 0, failures: 0, slow: 0 });
  cb.tryAcquire(1100);
  cb.onResult(1100, { failed: true, durationMs: 1 });
  assert.equal(cb.state, "closed", "only one call is in the window now");
});

Deno.test("Slow calls trip the breaker at slowCallRateThreshold even when none fail", () => {
  const cb = new CircuitBreaker({
    windowSize: 4,
    minimumCalls: 4,
    slowCallDurationMs: 100,
    slowCallRateThreshold: 50,
  });
  [10, 200, 20, 300].forEach((durationMs, t) => {
    cb.tryAcquire(t);
    cb.onResult(t, { failed: false, durationMs });
  });
  assert.equal(cb.state, "open");
});

Deno.test("Half-open closes after its probes succeed and reopens if they fail", () => {
  for (const [failed, expected] of [[false, "closed"], [true, "open"]] as const) {
    const cb = new CircuitBreaker({ ...small, minimumCalls: 1, windowSize: 1 });
    cb.tryAcquire(0);
    cb.onResult(0, { failed: true, durationMs: 1 });
    assert.equal(cb.state, "open");
    assert.ok(cb.tryAcquire(500) && cb.tryAcquire(501));
    assert.equal(cb.probesInFlight, 2);
    cb.onResult(510, { failed, durationMs: 10 });
    assert.equal(cb.state, "half-open", "one probe of two is not enough to decide");
    cb.onResult(511, { failed, durationMs: 10 });
    assert.equal(cb.state, expected);
  }
});

Deno.test("A released half-open permit can be handed to another caller", () => {
  const cb = new CircuitBreaker({ ...small, minimumCalls: 1, windowSize: 1, halfOpenProbes: 1 });
  cb.tryAcquire(0);
  cb.onResult(0, { failed: true, durationMs: 1 });
  assert.ok(cb.tryAcquire(600));
  assert.equal(cb.tryAcquire(601), false);
  cb.release(602);
  assert.ok(cb.tryAcquire(603));
});

Deno.test("The opossum preset trips on the first failure and counts a 10 s call as failed", () => {
  const cb = new CircuitBreaker(OPOSSUM_DEFAULTS);
  cb.tryAcquire(0);
  cb.onResult(10_000, { failed: false, durationMs: 10_000 });
  assert.equal(cb.state, "open", "volumeThreshold 0 and a timed-out call: 100 % ≥ 50 %");
  assert.equal(cb.tryAcquire(39_999), false, "resetTimeout 30 s");
  assert.ok(cb.tryAcquire(40_000));
  assert.equal(cb.tryAcquire(40_001), false, "opossum tries a single call half-open");
});

Deno.test("The resilience4j preset needs 100 calls before it decides and admits 10 probes", () => {
  assert.deepEqual(new CircuitBreaker().settings, RESILIENCE4J_DEFAULTS);
  const cb = new CircuitBreaker(RESILIENCE4J_DEFAULTS);
  for (let t = 0; t < 99; t++) {
    cb.tryAcquire(t);
    cb.onResult(t, { failed: true, durationMs: 1 });
  }
  assert.equal(cb.state, "closed");
  cb.tryAcquire(99);
  cb.onResult(99, { failed: true, durationMs: 1 });
  assert.equal(cb.state, "open");
  const admitted = Array.from({ length: 20 }, (_, i) => cb.tryAcquire(60_099 + i)).filter(Boolean);
  assert.equal(admitted.length, 10);
});

Deno.test("CircuitBreaker rejects out-of-range options naming the option", () => {
  assert.throws(() => new CircuitBreaker({ halfOpenProbes: 0 }), /option halfOpenProbes/);
  assert.throws(
    () => new CircuitBreaker({ failureRateThreshold: 0 }),
    /option failureRateThreshold/,
  );
  assert.throws(() => new CircuitBreaker({ windowSize: 1.5 }), /option windowSize/);
  assert.throws(() => new CircuitBreaker({ waitInOpenMs: -1 }), /option waitInOpenMs/);
  assert.throws(
    () => new CircuitBreaker({ variant: "nope" as BreakerVariant }),
    /option variant must be one of correct, half-open-flood/,
  );
});
