/**
 * The circuit-breaker lab's checks, shared by its tests and its mutation check. Each check
 * returns null when the breaker passes and a message that teaches when it does not.
 *
 * @module
 */

import fc from "fast-check";
import { type BreakerEvent, CircuitBreaker } from "../../src/resilience/mod.ts";
import { halfOpenProbesBounded, openRejectsWithoutCalling } from "../../src/check/mod.ts";
import type { LabCheck } from "../_lib/checks.ts";
import type { CircuitBreakerLab, LabBreaker, LabBreakerSettings, LabBreakerState } from "./api.ts";

/** Makes a breaker (the learner's, a mutant, or the core's). */
export type CreateBreaker = (settings: LabBreakerSettings) => LabBreaker;

/** One check of the lab. */
export interface BreakerCheck {
  name: string;
  check(create: CreateBreaker): string | null;
}

const SMALL: LabBreakerSettings = {
  windowSize: 6,
  minimumCalls: 4,
  failureRateThreshold: 50,
  waitInOpenMs: 1000,
  halfOpenProbes: 2,
};

// A getter read twice can change in between (the calls between move the state); reading it
// through a function keeps TypeScript from narrowing it to its first value.
const stateOf = (cb: LabBreaker): LabBreakerState => cb.state;

/** The property tests' fast-check seed, printed with every counterexample. */
export const PROPERTY_SEED = 5150;

function fail(create: CreateBreaker, settings: LabBreakerSettings, count: number, atMs = 0) {
  const cb = create(settings);
  for (let i = 0; i < count; i++) {
    if (cb.tryAcquire(atMs + i)) cb.onResult(atMs + i, true);
  }
  return cb;
}

/** A call in a generated script: asks after `gapMs`; if permitted, reports after `durationMs`. */
interface ScriptCall {
  gapMs: number;
  durationMs: number;
  failed: boolean;
}

const script = fc.array(
  fc.record({
    gapMs: fc.integer({ min: 0, max: 400 }),
    durationMs: fc.integer({ min: 1, max: 300 }),
    failed: fc.boolean(),
  }),
  { minLength: 1, maxLength: 80 },
);

const settingsArbitrary = fc.record({
  windowSize: fc.integer({ min: 1, max: 8 }),
  minimumCalls: fc.integer({ min: 0, max: 8 }),
  failureRateThreshold: fc.constantFrom(25, 50, 75, 100),
  waitInOpenMs: fc.integer({ min: 0, max: 800 }),
  halfOpenProbes: fc.integer({ min: 1, max: 4 }),
});

/**
 * Plays a script against a breaker, finishing calls in time order, and returns the log of
 * what it answered (`t ask → yes/no (state)`, `t result failed → state`) and breaker events
 * for the invariant monitors.
 */
export function playScript(
  create: CreateBreaker,
  settings: LabBreakerSettings,
  calls: readonly ScriptCall[],
): { log: string[]; events: BreakerEvent[] } {
  const cb = create(settings);
  const log: string[] = [];
  const events: BreakerEvent[] = [];
  let before = cb.state;
  const noteTransition = (atMs: number) => {
    if (cb.state !== before) events.push({ kind: "transition", atMs, from: before, to: cb.state });
    before = cb.state;
  };
  const pending: { endMs: number; failed: boolean }[] = [];
  const settle = (untilMs: number) => {
    pending.sort((a, b) => a.endMs - b.endMs);
    while (pending.length > 0 && pending[0].endMs <= untilMs) {
      const p = pending.shift()!;
      cb.onResult(p.endMs, p.failed);
      noteTransition(p.endMs);
      events.push({
        kind: "outcome",
        atMs: p.endMs,
        state: cb.state,
        failed: p.failed,
        slow: false,
      });
      log.push(`${p.endMs} result ${p.failed ? "failed" : "ok"} → ${cb.state}`);
    }
  };
  let now = 0;
  for (const call of calls) {
    now += call.gapMs;
    settle(now);
    const yes = cb.tryAcquire(now);
    noteTransition(now);
    events.push({ kind: yes ? "permitted" : "rejected", atMs: now, state: cb.state });
    log.push(`${now} ask → ${yes ? "yes" : "no"} (${cb.state})`);
    if (yes) pending.push({ endMs: now + call.durationMs, failed: call.failed });
  }
  settle(Infinity);
  return { log, events };
}

/** The core library's breaker with the lab's settings: the reference for the differential check. */
export function coreBreaker(settings: LabBreakerSettings): LabBreaker {
  const cb = new CircuitBreaker({
    ...settings,
    windowKind: "count",
    windowSize: settings.windowSize,
  });
  return {
    get state() {
      return cb.state;
    },
    tryAcquire: (nowMs) => cb.tryAcquire(nowMs),
    onResult: (nowMs, failed) => cb.onResult(nowMs, { failed, durationMs: 0 }),
  };
}

function propertyFailure(
  create: CreateBreaker,
  predicate: (settings: LabBreakerSettings, calls: ScriptCall[]) => string | null,
): string | null {
  let message: string | null = null;
  const details = fc.check(
    fc.property(settingsArbitrary, script, (settings, calls) => {
      message = predicate(settings, calls);
      return message === null;
    }),
    { seed: PROPERTY_SEED, numRuns: 300 },
  );
  if (!details.failed) return null;
  const [settings, calls] = details.counterexample!;
  message = predicate(settings, calls);
  const log = playScript(create, settings, calls).log;
  return `${message}\n  settings: ${JSON.stringify(settings)}\n  your breaker's answers:\n    ${
    log.join("\n    ")
  }\n  replay: {seed: ${PROPERTY_SEED}, path: "${details.counterexamplePath}"}`;
}

/** Every check of the lab, in the order of the README's steps. */
export const BREAKER_CHECKS: readonly BreakerCheck[] = [
  {
    name: "closed lets calls through and trips only once minimumCalls outcomes are in",
    check(create) {
      const cb = fail(create, SMALL, 3);
      if (stateOf(cb) !== "closed") {
        return `After 3 failures with minimumCalls 4 the breaker is ${
          stateOf(cb)
        }; it must stay closed until the window holds 4 outcomes`;
      }
      if (!cb.tryAcquire(10)) {
        return "A closed breaker refused a call; closed lets every call through";
      }
      cb.onResult(10, false);
      if (stateOf(cb) !== "open") {
        return `After 3 failures out of 4 calls (75 % ≥ 50 %) the breaker is ${
          stateOf(cb)
        }; it must open`;
      }
      return null;
    },
  },
  {
    name: "the window holds only the latest windowSize outcomes",
    check(create) {
      // Threshold 30 %: the last 4 outcomes hold 1 failure (25 %), all 6 hold 2 (33 %).
      const cb = create({ ...SMALL, windowSize: 4, failureRateThreshold: 30 });
      const outcomes = [true, false, false, false, false, true];
      for (let t = 0; t < outcomes.length; t++) {
        cb.tryAcquire(t);
        cb.onResult(t, outcomes[t]);
      }
      return stateOf(cb) === "closed"
        ? null
        : `Outcomes ${
          JSON.stringify(outcomes)
        } (true = failed) with windowSize 4 leave 1 failure in the last 4 (25 % < 30 %), but the breaker is ${
          stateOf(cb)
        }: the oldest outcomes must leave the window`;
    },
  },
  {
    name: "open rejects every call until waitInOpenMs has passed",
    check(create) {
      const cb = fail(create, SMALL, 4);
      if (stateOf(cb) !== "open") return `After 4 failures the breaker is ${stateOf(cb)}, not open`;
      for (const t of [4, 500, 1002]) {
        if (cb.tryAcquire(t)) {
          return `The breaker opened at 3 ms with waitInOpenMs 1000 and let a call through at ${t} ms; open must reject without calling`;
        }
      }
      return cb.tryAcquire(1003)
        ? null
        : "At 1003 ms (1000 ms after opening) the breaker still refused; it should turn half-open and admit a probe";
    },
  },
  {
    name: "half-open admits at most halfOpenProbes calls (no half-open flood)",
    check(create) {
      const cb = fail(create, SMALL, 4);
      const answers = Array.from({ length: 10 }, (_, i) => cb.tryAcquire(1003 + i));
      const admitted = answers.filter(Boolean).length;
      return admitted === 2
        ? null
        : `Ten callers arrived just after the wait; the half-open breaker admitted ${admitted}, but halfOpenProbes is 2. ` +
          (admitted > 2
            ? "This is the seed's bug: a recovering service gets the whole backlog at once."
            : "Half-open must let the probes through.");
    },
  },
  {
    name: "half-open closes when its probes succeed and reopens when they fail",
    check(create) {
      for (const [failed, expected] of [[false, "closed"], [true, "open"]] as const) {
        const cb = fail(create, SMALL, 4);
        cb.tryAcquire(1003);
        cb.tryAcquire(1004);
        cb.onResult(1010, failed);
        if (stateOf(cb) !== "half-open") {
          return `After 1 of 2 probes reported the breaker is ${
            stateOf(cb)
          }; half-open decides only when all halfOpenProbes have reported`;
        }
        cb.onResult(1011, failed);
        if (stateOf(cb) !== expected) {
          return `Both probes ${failed ? "failed" : "succeeded"} but the breaker is ${
            stateOf(cb)
          }, not ${expected}`;
        }
        if (expected === "closed") {
          cb.tryAcquire(1020);
          cb.onResult(1020, true);
          if (stateOf(cb) !== "closed") {
            return "Right after closing, one failure opened the breaker again: closing starts a fresh, empty window";
          }
        }
      }
      return null;
    },
  },
  {
    name: "under random scripts open never calls and half-open never exceeds its probes",
    check: (create) =>
      propertyFailure(create, (settings, calls) => {
        const { events } = playScript(create, settings, calls);
        return openRejectsWithoutCalling(events) ??
          halfOpenProbesBounded(events, settings.halfOpenProbes);
      }),
  },
  {
    name: "under random scripts your breaker answers exactly as netsplit's",
    check: (create) =>
      propertyFailure(create, (settings, calls) => {
        const mine = playScript(create, settings, calls).log;
        const reference = playScript(coreBreaker, settings, calls).log;
        const at = mine.findIndex((line, i) => line !== reference[i]);
        return at < 0 && mine.length === reference.length
          ? null
          : `Line ${at + 1} differs: yours "${mine[at]}", expected "${reference[at]}"`;
      }),
  },
];

/** The checks above as lab checks: each fails with its message. */
export const CIRCUIT_BREAKER_CHECKS: readonly LabCheck<CircuitBreakerLab>[] = BREAKER_CHECKS.map((
  { name, check },
) => ({
  name: `Your breaker: ${name}`,
  run(lab: CircuitBreakerLab) {
    const message = check((settings) => lab.createBreaker(settings));
    if (message !== null) throw new Error(message);
  },
}));
