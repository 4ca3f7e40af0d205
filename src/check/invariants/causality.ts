/**
 * Checkers for the clocks that claim to capture causality: Lamport's clock condition, vector
 * clock exactness and the HLC bounds, each against the ground-truth happens-before relation
 * that `clocks/causality.ts` computes from an execution's structure alone.
 *
 * Sources: L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
 * 1978 (the Clock Condition); C. Fidge and F. Mattern, 1988 (vector clocks characterise
 * happens-before exactly); S. Kulkarni et al., "Logical Physical Clocks", 2014 (HLC: `l` stays
 * within ε of physical time, `c` is bounded). Each checker returns the first violation, with a
 * message naming the rule and the execution prefix that shows it, or `undefined`.
 * Non-goals: checking clocks on executions that are not valid (a receive before its send).
 *
 * @module
 */

import {
  causalEdges,
  type CausalEvent,
  causalOrder,
  compareVectors,
  formatHlc,
  formatVector,
  type HlcTimestamp,
  type LamportTime,
  physicalTimeOf,
  renderExecution,
  type VectorClock,
} from "../../clocks/mod.ts";

/** A checker's finding: the rule broken, the two events, and a readable explanation. */
export interface ClockViolation {
  readonly rule: string;
  readonly first: number;
  readonly second: number;
  /** What went wrong, followed by the execution up to the later event as a message log. */
  readonly message: string;
}

function violation(
  rule: string,
  first: number,
  second: number,
  why: string,
  events: readonly CausalEvent[],
  stamps: readonly string[],
): ClockViolation {
  const log = renderExecution(events, stamps, Math.max(first, second));
  return { rule, first, second, message: `${why}\nExecution:\n${log}` };
}

/**
 * Checks Lamport's clock condition: `a → b ⇒ C(a) < C(b)` (checking direct edges suffices,
 * since `<` is transitive).
 *
 * @returns The first violation, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkClockCondition } from "./causality.ts";
 * const events = [
 *   { node: "a", kind: "send", messageId: "m" } as const,
 *   { node: "b", kind: "receive", messageId: "m" } as const,
 * ];
 * assert.equal(checkClockCondition(events, [1, 2]), undefined);
 * assert.match(checkClockCondition(events, [5, 1])!.message, /Clock condition violated/);
 * ```
 */
export function checkClockCondition(
  events: readonly CausalEvent[],
  times: readonly LamportTime[],
): ClockViolation | undefined {
  for (const [a, b] of causalEdges(events)) {
    if (!(times[a] < times[b])) {
      return violation(
        "clock-condition",
        a,
        b,
        `Clock condition violated: event #${a} happened before #${b}, but C(#${a}) = ${
          times[a]
        } is not below C(#${b}) = ${times[b]}`,
        events,
        times.map(String),
      );
    }
  }
  return undefined;
}

/**
 * Checks that vector timestamps characterise happens-before exactly: for every pair,
 * `compareVectors` must equal the ground-truth relation (O(n²) pairs).
 *
 * @returns The first pair that disagrees, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stampEvents, vectorRules } from "../../clocks/mod.ts";
 * import { checkVectorClocks } from "./causality.ts";
 * const events = [
 *   { node: "a", kind: "send", messageId: "m" } as const,
 *   { node: "b", kind: "receive", messageId: "m" } as const,
 * ];
 * assert.equal(checkVectorClocks(events, stampEvents(events, vectorRules)), undefined);
 * ```
 */
export function checkVectorClocks(
  events: readonly CausalEvent[],
  vectors: readonly VectorClock[],
): ClockViolation | undefined {
  const order = causalOrder(events);
  const ids = [...new Set(events.map((e) => e.node))].sort();
  const stamps = vectors.map((v) => formatVector(v, ids));
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const truth = order.relation(i, j);
      const claimed = compareVectors(vectors[i], vectors[j]);
      if (truth !== claimed) {
        return violation(
          "vector-characterises-causality",
          i,
          j,
          `Vector clocks disagree with causality: events #${i} and #${j} are "${truth}" ` +
            `but their vectors ${stamps[i]} and ${stamps[j]} compare as "${claimed}" ` +
            `(vector order over [${ids.join(",")}])`,
          events,
          stamps,
        );
      }
    }
  }
  return undefined;
}

/**
 * Checks an HLC stamping against Kulkarni et al. 2014 (the guarantees proved for HLC): causality on every edge,
 * `l ≥ pt`, `l − pt ≤ ε`, and the counter bound `c ≤ |{e → f : l.e = l.f}|`.
 *
 * @param events The execution; every event must carry `pt`.
 * @param stamps The HLC timestamp of each event.
 * @param options `epsilonMs`: the largest difference between any two nodes' physical
 *   readings during the run (the clocks' skew bound ε).
 * @returns The first violation, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcRules, stampEvents } from "../../clocks/mod.ts";
 * import { checkHlc } from "./causality.ts";
 * const events = [
 *   { node: "a", kind: "send", messageId: "m", pt: 10 } as const,
 *   { node: "b", kind: "receive", messageId: "m", pt: 8 } as const,
 * ];
 * assert.equal(checkHlc(events, stampEvents(events, hlcRules), { epsilonMs: 2 }), undefined);
 * ```
 */
export function checkHlc(
  events: readonly CausalEvent[],
  stamps: readonly HlcTimestamp[],
  options: { epsilonMs: number },
): ClockViolation | undefined {
  const text = stamps.map(formatHlc);
  for (const [a, b] of causalEdges(events)) {
    const x = stamps[a];
    const y = stamps[b];
    if (!(x.l < y.l || (x.l === y.l && x.c < y.c))) {
      return violation(
        "hlc-causality",
        a,
        b,
        `HLC violates causality: #${a} happened before #${b} but (l,c) ${text[a]} is not below ${
          text[b]
        }`,
        events,
        text,
      );
    }
  }
  const order = causalOrder(events);
  for (let f = 0; f < events.length; f++) {
    const pt = physicalTimeOf(events[f]);
    const { l, c } = stamps[f];
    if (l < pt) {
      return violation(
        "hlc-l-at-least-pt",
        f,
        f,
        `HLC l fell behind physical time at #${f}: l = ${l} < pt = ${pt}`,
        events,
        text,
      );
    }
    if (l - pt > options.epsilonMs) {
      return violation(
        "hlc-l-within-epsilon",
        f,
        f,
        `HLC l ran ahead of physical time at #${f}: l − pt = ${
          l - pt
        } exceeds ε = ${options.epsilonMs}`,
        events,
        text,
      );
    }
    // The initial state (0, 0) acts as an event every node has seen.
    let sameL = l === 0 ? 1 : 0;
    for (let e = 0; e < f; e++) if (stamps[e].l === l && order.before(e, f)) sameL++;
    if (c > sameL) {
      return violation(
        "hlc-counter-bounded",
        f,
        f,
        `HLC counter unbounded at #${f}: c = ${c} but only ${sameL} earlier causal events share l = ${l}`,
        events,
        text,
      );
    }
  }
  return undefined;
}
