/**
 * Ground-truth causality of an execution, and checkers for the clocks that claim to
 * capture it.
 *
 * Source: L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
 * 1978, section "The Partial Ordering": `a → b` (happened before) is the smallest transitive relation containing the
 * order of events at each process and every send → receive pair.
 *
 * An execution is a list of events in an order that real time could have produced (every
 * receive after its send). Happens-before is computed from that structure alone — by graph
 * reachability, never from a clock — so it is the oracle against which Lamport, vector and
 * hybrid clocks are checked. Checkers return the first violation with a message that names
 * the rule broken, and the execution prefix that shows it, or `undefined` when all is well.
 *
 * @module
 */

import { formatHlc, hlcReceive, hlcSend, type HlcTimestamp, hlcZero } from "./hlc.ts";
import { lamportReceive, lamportTick, type LamportTime } from "./lamport.ts";
import {
  compareVectors,
  formatVector,
  incrementVector,
  receiveVector,
  type VectorClock,
  vectorClock,
  type VectorOrder,
} from "./vector_clock.ts";

/** One event of an execution. */
export interface CausalEvent {
  /** The process where the event happens. */
  readonly node: string;
  readonly kind: "local" | "send" | "receive";
  /** For sends and receives: the message's id (a receive names the send it consumes). */
  readonly messageId?: string;
  /** The node's physical clock reading at the event, whole ms (needed by HLC only). */
  readonly pt?: number;
  /** True time of the event, ms (informational, for charts and HLC bounds). */
  readonly trueMs?: number;
}

/** The happens-before relation of an execution, as reachability bitsets. */
export interface CausalOrder {
  readonly size: number;
  /** Whether event `i` happened before event `j` (strict). */
  before(i: number, j: number): boolean;
  /** `"before"`, `"after"`, `"equal"` (i = j) or `"concurrent"`. */
  relation(i: number, j: number): VectorOrder;
}

/** Validates an execution and returns, per event, its direct causal predecessors. */
function predecessors(events: readonly CausalEvent[]): number[][] {
  const lastAt = new Map<string, number>();
  const sendOf = new Map<string, number>();
  const received = new Set<string>();
  return events.map((event, index) => {
    const preds: number[] = [];
    const previous = lastAt.get(event.node);
    if (previous !== undefined) preds.push(previous);
    lastAt.set(event.node, index);
    if (event.kind === "send") {
      if (event.messageId === undefined || sendOf.has(event.messageId)) {
        throw new RangeError(
          `Event ${index} (send at ${event.node}) needs a unique messageId, got ${event.messageId}`,
        );
      }
      sendOf.set(event.messageId, index);
    } else if (event.kind === "receive") {
      const send = event.messageId === undefined ? undefined : sendOf.get(event.messageId);
      if (send === undefined || received.has(event.messageId!)) {
        throw new RangeError(
          `Event ${index} (receive at ${event.node}) of message ${event.messageId} has no earlier unreceived send`,
        );
      }
      received.add(event.messageId!);
      preds.push(send);
    }
    return preds;
  });
}

/**
 * Computes happens-before for an execution by reachability over its event graph.
 *
 * @param events The execution, in an order real time could have produced.
 * @returns The relation; `before(i, j)` is O(1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { causalOrder } from "./causality.ts";
 * const order = causalOrder([
 *   { node: "a", kind: "send", messageId: "m" },
 *   { node: "b", kind: "local" },
 *   { node: "b", kind: "receive", messageId: "m" },
 * ]);
 * assert.equal(order.before(0, 2), true);
 * assert.equal(order.relation(0, 1), "concurrent");
 * ```
 */
export function causalOrder(events: readonly CausalEvent[]): CausalOrder {
  const preds = predecessors(events);
  const words = Math.ceil(events.length / 32);
  const reach = events.map(() => new Uint32Array(words));
  for (let j = 0; j < events.length; j++) {
    for (const p of preds[j]) {
      const row = reach[j];
      const from = reach[p];
      for (let w = 0; w < words; w++) row[w] |= from[w];
      row[p >>> 5] |= 1 << (p & 31);
    }
  }
  const before = (i: number, j: number) => (reach[j][i >>> 5] & (1 << (i & 31))) !== 0;
  return {
    size: events.length,
    before,
    relation(i, j) {
      if (i === j) return "equal";
      if (before(i, j)) return "before";
      if (before(j, i)) return "after";
      return "concurrent";
    },
  };
}

/**
 * How a clock stamps events: the rules a Lamport, vector or hybrid clock follows. Known-broken
 * variants are just other rule sets, so the same checkers can show what they get wrong.
 */
export interface ClockRules<T> {
  readonly name: string;
  initial(node: string): T;
  /** A local or send event at `event.node`, from the node's current stamp. */
  tick(state: T, event: CausalEvent): T;
  /** A receive event, from the node's stamp and the stamp the message carried. */
  receive(state: T, message: T, event: CausalEvent): T;
}

/**
 * Stamps every event of an execution by running the rules at each node; a message carries
 * the stamp of its send event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lamportRules, stampEvents } from "./causality.ts";
 * const times = stampEvents([
 *   { node: "a", kind: "send", messageId: "m" },
 *   { node: "b", kind: "receive", messageId: "m" },
 * ], lamportRules);
 * assert.deepEqual(times, [1, 2]);
 * ```
 */
export function stampEvents<T>(events: readonly CausalEvent[], rules: ClockRules<T>): T[] {
  predecessors(events);
  const state = new Map<string, T>();
  const carried = new Map<string, T>();
  return events.map((event) => {
    const current = state.has(event.node) ? state.get(event.node)! : rules.initial(event.node);
    const next = event.kind === "receive"
      ? rules.receive(current, carried.get(event.messageId!)!, event)
      : rules.tick(current, event);
    if (event.kind === "send") carried.set(event.messageId!, next);
    state.set(event.node, next);
    return next;
  });
}

/** Lamport's rules IR1 and IR2 (see `lamport.ts`). */
export const lamportRules: ClockRules<LamportTime> = {
  name: "lamport",
  initial: () => 0,
  tick: (time) => lamportTick(time),
  receive: (time, message) => lamportReceive(time, message),
};

/** Vector clock rules (see `vector_clock.ts`). */
export const vectorRules: ClockRules<VectorClock> = {
  name: "vector",
  initial: () => vectorClock(),
  tick: (vector, event) => incrementVector(vector, event.node),
  receive: (vector, message, event) => receiveVector(vector, message, event.node),
};

function physicalOf(event: CausalEvent): number {
  if (event.pt === undefined) {
    throw new RangeError(`HLC needs a physical reading: event at ${event.node} has no pt`);
  }
  return event.pt;
}

/** Hybrid logical clock rules (see `hlc.ts`); events must carry `pt`. */
export const hlcRules: ClockRules<HlcTimestamp> = {
  name: "hlc",
  initial: () => hlcZero(),
  tick: (state, event) => hlcSend(state, physicalOf(event)),
  receive: (state, message, event) => hlcReceive(state, message, physicalOf(event)),
};

/** A checker's finding: the rule broken, the two events, and a readable explanation. */
export interface ClockViolation {
  readonly rule: string;
  readonly first: number;
  readonly second: number;
  /** What went wrong, followed by the execution up to the later event as a message log. */
  readonly message: string;
}

/**
 * Renders an execution (or its first `upTo + 1` events) as a message log, one event a line,
 * optionally with a stamp per event: `#2 b receive m0 from a  [1,2]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderExecution } from "./causality.ts";
 * const log = renderExecution([{ node: "a", kind: "send", messageId: "m0" }], ["1"]);
 * assert.equal(log, "#0 a send m0  1");
 * ```
 */
export function renderExecution(
  events: readonly CausalEvent[],
  stamps?: readonly string[],
  upTo = events.length - 1,
): string {
  const senders = new Map<string, string>();
  const lines: string[] = [];
  for (let i = 0; i <= upTo && i < events.length; i++) {
    const e = events[i];
    let text = `#${i} ${e.node} ${e.kind}`;
    if (e.kind === "send") {
      senders.set(e.messageId!, e.node);
      text += ` ${e.messageId}`;
    }
    if (e.kind === "receive") text += ` ${e.messageId} from ${senders.get(e.messageId!)}`;
    if (e.pt !== undefined) text += ` pt=${e.pt}`;
    if (stamps) text += `  ${stamps[i]}`;
    lines.push(text);
  }
  return lines.join("\n");
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

/** Direct causal edges (program order and send → receive); transitivity covers the rest. */
function edges(events: readonly CausalEvent[]): [number, number][] {
  return predecessors(events).flatMap((preds, j) => preds.map((p) => [p, j] as [number, number]));
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
  for (const [a, b] of edges(events)) {
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
 * import { checkVectorClocks, stampEvents, vectorRules } from "./causality.ts";
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
 * import { checkHlc, hlcRules, stampEvents } from "./causality.ts";
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
  for (const [a, b] of edges(events)) {
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
    const pt = physicalOf(events[f]);
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

/** One step of a generated execution (see {@linkcode buildExecution}). */
export interface ExecutionStep {
  /** Index of the acting node (taken modulo the node count). */
  readonly node: number;
  readonly kind: "local" | "send" | "deliver";
  /** For `send`: destination index; for `deliver`: which in-flight message to deliver. */
  readonly target: number;
}

/**
 * Turns arbitrary steps (e.g. from fast-check) into a valid execution over `nodeCount`
 * nodes named `n1..nN`: a send to oneself goes to the next node, and a delivery with nothing
 * in flight to that node becomes a local event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildExecution } from "./causality.ts";
 * const events = buildExecution([
 *   { node: 0, kind: "send", target: 1 },
 *   { node: 1, kind: "deliver", target: 0 },
 * ], 2);
 * assert.deepEqual(events.map((e) => `${e.node} ${e.kind}`), ["n1 send", "n2 receive"]);
 * ```
 */
export function buildExecution(steps: readonly ExecutionStep[], nodeCount: number): CausalEvent[] {
  if (!Number.isInteger(nodeCount) || nodeCount < 1) {
    throw new RangeError(`nodeCount must be a positive integer, got ${nodeCount}`);
  }
  const name = (i: number) => `n${(((i % nodeCount) + nodeCount) % nodeCount) + 1}`;
  const inFlight = new Map<string, string[]>();
  const events: CausalEvent[] = [];
  let nextMessage = 0;
  for (const step of steps) {
    const node = name(step.node);
    if (step.kind === "send" && nodeCount > 1) {
      let to = name(step.target);
      if (to === node) to = name(step.node + 1);
      const messageId = `m${nextMessage++}`;
      inFlight.set(to, [...(inFlight.get(to) ?? []), messageId]);
      events.push({ node, kind: "send", messageId });
    } else if (step.kind === "deliver" && (inFlight.get(node)?.length ?? 0) > 0) {
      const queue = inFlight.get(node)!;
      const [messageId] = queue.splice(Math.abs(step.target) % queue.length, 1);
      events.push({ node, kind: "receive", messageId });
    } else {
      events.push({ node, kind: "local" });
    }
  }
  return events;
}
