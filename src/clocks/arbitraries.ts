/**
 * fast-check arbitraries shared by the clocks tests (test-only helper; not exported from
 * `mod.ts`).
 *
 * @module
 */

import fc from "fast-check";
import { buildExecution, type CausalEvent, type ExecutionStep } from "./causality.ts";

/** Random execution steps over a few nodes. */
export function executionSteps(maxLength = 40): fc.Arbitrary<ExecutionStep[]> {
  return fc.array(
    fc.record({
      node: fc.nat({ max: 7 }),
      kind: fc.constantFrom("local", "send", "deliver", "deliver"),
      target: fc.nat({ max: 7 }),
    }) as fc.Arbitrary<ExecutionStep>,
    { maxLength },
  );
}

/** A random execution over 1..maxNodes nodes. */
export function execution(maxNodes = 4, maxLength = 40): fc.Arbitrary<CausalEvent[]> {
  return fc.tuple(fc.integer({ min: 1, max: maxNodes }), executionSteps(maxLength))
    .map(([nodes, steps]) => buildExecution(steps, nodes));
}

/** An execution whose events carry physical readings from drifting, offset clocks. */
export interface TimedExecution {
  readonly events: CausalEvent[];
  /** The largest difference between two nodes' readings at any one instant (+1 for flooring). */
  readonly epsilonMs: number;
}

/**
 * A random execution with true times (non-decreasing, so every receive follows its send) and
 * per-node clocks with offsets up to `maxOffsetMs` and drifts up to `maxDriftPpm`.
 */
export function timedExecution(
  options: { maxOffsetMs?: number; maxDriftPpm?: number; maxLength?: number } = {},
): fc.Arbitrary<TimedExecution> {
  const { maxOffsetMs = 50, maxDriftPpm = 20_000, maxLength = 40 } = options;
  const clock = fc.record({
    offsetMs: fc.integer({ min: 0, max: maxOffsetMs }),
    driftPpm: fc.integer({ min: -maxDriftPpm, max: maxDriftPpm }),
  });
  return fc.record({
    clocks: fc.array(clock, { minLength: 4, maxLength: 4 }),
    nodes: fc.integer({ min: 1, max: 4 }),
    steps: executionSteps(maxLength),
    gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: maxLength, maxLength }),
  }).map(({ clocks, nodes, steps, gaps }) => {
    const base = buildExecution(steps, nodes);
    const read = (i: number, t: number) =>
      Math.floor(1000 + clocks[i].offsetMs + t * (1 + clocks[i].driftPpm / 1e6));
    let t = 0;
    const events = base.map((e, k) => {
      t += gaps[k];
      const i = Number(e.node.slice(1)) - 1;
      return { ...e, trueMs: t, pt: read(i, t) };
    });
    let epsilonMs = 0;
    for (const at of [0, t]) {
      const readings = clocks.slice(0, nodes).map((_, i) => read(i, at));
      epsilonMs = Math.max(epsilonMs, Math.max(...readings) - Math.min(...readings) + 1);
    }
    return { events, epsilonMs };
  });
}
