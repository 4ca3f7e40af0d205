/**
 * Tests for the HLC lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). Properties generate executions on nodes whose
 * clocks have different offsets and drift, with random message delays; a failure prints the
 * smallest such execution, with each event's physical reading and HLC timestamp.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadLab } from "../_lib/load.ts";
import type { HlcLab, HlcTimestamp } from "./api.ts";
import {
  buildExecution,
  type CausalEvent,
  checkHlc,
  type ClockRules,
  type ExecutionStep,
  stampEvents,
} from "../../src/mod.ts";

const lab = await loadLab<HlcLab>(import.meta.url);

function rulesOf(impl: HlcLab): ClockRules<HlcTimestamp> {
  return {
    name: "lab",
    initial: () => ({ l: 0, c: 0 }),
    tick: (state, event) => impl.send(state, event.pt!),
    receive: (state, message, event) => impl.receive(state, message, event.pt!),
  };
}

/** Executions over 2–4 nodes whose clocks are offset (up to 50 ms) and drift (up to 2%). */
const timedExecution = fc.record({
  nodes: fc.integer({ min: 2, max: 4 }),
  clocks: fc.array(
    fc.record({
      offsetMs: fc.integer({ min: 0, max: 50 }),
      driftPpm: fc.integer({ min: -20_000, max: 20_000 }),
    }),
    { minLength: 4, maxLength: 4 },
  ),
  steps: fc.array(
    fc.record({
      node: fc.nat({ max: 3 }),
      kind: fc.constantFrom("local", "send", "deliver", "deliver"),
      target: fc.nat({ max: 3 }),
    }) as fc.Arbitrary<ExecutionStep>,
    { maxLength: 25 },
  ),
  gapsMs: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 25, maxLength: 25 }),
}).map(({ nodes, clocks, steps, gapsMs }) => {
  const read = (i: number, t: number) =>
    Math.floor(1000 + clocks[i].offsetMs + t * (1 + clocks[i].driftPpm / 1e6));
  let t = 0;
  const events: CausalEvent[] = buildExecution(steps, nodes).map((e, k) => {
    t += gapsMs[k];
    return { ...e, trueMs: t, pt: read(Number(e.node.slice(1)) - 1, t) };
  });
  // ε: the largest gap between two nodes' readings at one instant (+1 for whole-ms readings).
  let epsilonMs = 0;
  for (const at of [0, t]) {
    const readings = clocks.slice(0, nodes).map((_, i) => read(i, at));
    epsilonMs = Math.max(epsilonMs, Math.max(...readings) - Math.min(...readings) + 1);
  }
  return { events, epsilonMs };
});

const hlcHolds = (impl: HlcLab) =>
  fc.property(timedExecution, ({ events, epsilonMs }) => {
    const violation = checkHlc(events, stampEvents(events, rulesOf(impl)), { epsilonMs });
    if (violation !== undefined) {
      throw new Error(`Invariant violated (${violation.rule}): ${violation.message}`);
    }
  });

Deno.test("send: l catches up with a physical clock that is ahead, and the counter resets", () => {
  assert.deepEqual(lab.send({ l: 10, c: 4 }, 12), { l: 12, c: 0 });
});

Deno.test("send: when the physical clock is behind l, l stays and the counter ticks", () => {
  assert.deepEqual(lab.send({ l: 10, c: 4 }, 7), { l: 10, c: 5 }, "l must never go back");
  assert.deepEqual(
    lab.send({ l: 10, c: 4 }, 10),
    { l: 10, c: 5 },
    "same l: the counter breaks the tie",
  );
});

Deno.test("receive: a message from a node whose clock is ahead pulls l forward", () => {
  assert.deepEqual(lab.receive({ l: 10, c: 0 }, { l: 15, c: 2 }, 11), { l: 15, c: 3 });
});

Deno.test("receive: local l, message l and pt tied: the counter passes both counters", () => {
  assert.deepEqual(lab.receive({ l: 5, c: 3 }, { l: 5, c: 7 }, 5), { l: 5, c: 8 });
});

Deno.test("receive: the local l wins over an older message", () => {
  assert.deepEqual(lab.receive({ l: 6, c: 3 }, { l: 5, c: 7 }, 4), { l: 6, c: 4 });
});

Deno.test("receive: the physical clock is ahead of both, so the counter resets", () => {
  assert.deepEqual(lab.receive({ l: 4, c: 3 }, { l: 5, c: 7 }, 9), { l: 9, c: 0 });
});

Deno.test("Property: causality, l ≥ pt, l − pt ≤ ε and a bounded counter under drift and delays", () => {
  fc.assert(hlcHolds(lab));
});

// Mutation check: the property must reject each of these plausible mistakes.
const broken: Record<string, HlcLab> = {
  "receive that ignores the message (a physical clock with a counter)": {
    send: (s, pt) => reference.send(s, pt),
    receive: (s, _m, pt) => reference.send(s, pt),
  },
  "receive that ignores the physical clock": {
    send: (s, pt) => reference.send(s, pt),
    receive: (s, m) => ({ l: Math.max(s.l, m.l), c: Math.max(s.c, m.c) + 1 }),
  },
  "counter that never ticks": {
    send: (s, pt) => ({ l: Math.max(s.l, pt), c: 0 }),
    receive: (s, m, pt) => ({ l: Math.max(s.l, m.l, pt), c: 0 }),
  },
  "counter that never resets": {
    send: (s, pt) => ({ l: Math.max(s.l, pt), c: s.c + 1 }),
    receive: (s, m, pt) => ({ l: Math.max(s.l, m.l, pt), c: Math.max(s.c, m.c) + 1 }),
  },
};
const reference = await import("./solution.ts").catch(() => undefined) as HlcLab;

Deno.test(
  "The property rejects known-broken hybrid clocks",
  { ignore: reference === undefined },
  () => {
    for (const [mistake, impl] of Object.entries(broken)) {
      assert.ok(fc.check(hlcHolds(impl)).failed, `the property did not catch: ${mistake}`);
    }
  },
);
