/**
 * The HLC lab's checks, in the order they run: the rules case by case, then the property
 * (Kulkarni et al. 2014, Theorems 1–3) over generated executions with a fixed seed, so every
 * run tries the same executions and a failure replays (`replay: {"seed":…,"path":"…"}`).
 * Shared by the lab's test (against your file) and its mutation battery.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import type { LabCheck } from "../_lib/checks.ts";
import { checkLabProperty } from "../_lib/property.ts";
import type { HlcLab, HlcTimestamp } from "./api.ts";
import {
  buildExecution,
  type CausalEvent,
  checkHlc,
  type ClockRules,
  type ExecutionStep,
  stampEvents,
} from "../../src/mod.ts";

/** The property's seed and number of executions. */
export const HLC_PROPERTY = { seed: 20140, numRuns: 300 } as const;

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
  // Gaps of 0 ms are common on purpose: ties between l and pt are where counters go wrong.
  gapsMs: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })), {
    minLength: 25,
    maxLength: 25,
  }),
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

const cases = (name: string, run: (lab: HlcLab) => void): LabCheck<HlcLab> => ({ name, run });

/** The checks. */
export const HLC_CHECKS: readonly LabCheck<HlcLab>[] = [
  cases("send: l catches up with a physical clock that is ahead, and the counter resets", (lab) => {
    assert.deepEqual(lab.send({ l: 10, c: 4 }, 12), { l: 12, c: 0 });
  }),
  cases("send: when the physical clock is behind l, l stays and the counter ticks", (lab) => {
    assert.deepEqual(lab.send({ l: 10, c: 4 }, 7), { l: 10, c: 5 }, "l must never go back");
    assert.deepEqual(
      lab.send({ l: 10, c: 4 }, 10),
      { l: 10, c: 5 },
      "same l: the counter breaks the tie",
    );
  }),
  cases("receive: a message from a node whose clock is ahead pulls l forward", (lab) => {
    assert.deepEqual(lab.receive({ l: 10, c: 0 }, { l: 15, c: 2 }, 11), { l: 15, c: 3 });
  }),
  cases("receive: local l, message l and pt tied: the counter passes both counters", (lab) => {
    assert.deepEqual(lab.receive({ l: 5, c: 3 }, { l: 5, c: 7 }, 5), { l: 5, c: 8 });
    assert.deepEqual(lab.receive({ l: 5, c: 9 }, { l: 5, c: 2 }, 4), { l: 5, c: 10 });
  }),
  cases("receive: the local l wins over an older message", (lab) => {
    assert.deepEqual(lab.receive({ l: 6, c: 3 }, { l: 5, c: 7 }, 4), { l: 6, c: 4 });
  }),
  cases("receive: the physical clock is ahead of both, so the counter resets", (lab) => {
    assert.deepEqual(lab.receive({ l: 4, c: 3 }, { l: 5, c: 7 }, 9), { l: 9, c: 0 });
  }),
  cases("send and receive leave their arguments alone", (lab) => {
    const state = { l: 5, c: 1 };
    const message = { l: 7, c: 2 };
    lab.send(state, 3);
    lab.receive(state, message, 6);
    assert.deepEqual([state, message], [{ l: 5, c: 1 }, { l: 7, c: 2 }], "return a new {l, c}");
  }),
  {
    name: "Property: causality, l ≥ pt, l − pt ≤ ε and a bounded counter under drift and delays",
    run: (lab) => checkLabProperty(hlcHolds(lab), HLC_PROPERTY),
  },
];
