/**
 * Ground-truth causality of an execution, and the clock rules that claim to capture it
 * (the checkers that compare the two live in `check/invariants/causality.ts`).
 *
 * Source: L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
 * 1978, section "The Partial Ordering": `a → b` (happened before) is the smallest transitive relation containing the
 * order of events at each process and every send → receive pair.
 *
 * An execution is a list of events in an order that real time could have produced (every
 * receive after its send). Happens-before is computed from that structure alone — by graph
 * reachability, never from a clock — so it is the oracle against which Lamport, vector and
 * hybrid clocks are checked.
 *
 * @module
 */

import { hlcReceive, hlcSend, type HlcTimestamp, hlcZero } from "./hlc.ts";
import { lamportReceive, lamportTick, type LamportTime } from "./lamport.ts";
import {
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

/** The physical time an event carries (`pt`); throws when it has none. */
export function physicalTimeOf(event: CausalEvent): number {
  if (event.pt === undefined) {
    throw new RangeError(`HLC needs a physical reading: event at ${event.node} has no pt`);
  }
  return event.pt;
}

/** Hybrid logical clock rules (see `hlc.ts`); events must carry `pt`. */
export const hlcRules: ClockRules<HlcTimestamp> = {
  name: "hlc",
  initial: () => hlcZero(),
  tick: (state, event) => hlcSend(state, physicalTimeOf(event)),
  receive: (state, message, event) => hlcReceive(state, message, physicalTimeOf(event)),
};

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

/**
 * Direct causal edges (program order and send → receive); transitivity covers the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { causalEdges } from "./causality.ts";
 * const edges = causalEdges([
 *   { node: "a", kind: "send", messageId: "m" },
 *   { node: "b", kind: "receive", messageId: "m" },
 * ]);
 * assert.deepEqual(edges, [[0, 1]]);
 * ```
 */
export function causalEdges(events: readonly CausalEvent[]): [number, number][] {
  return predecessors(events).flatMap((preds, j) => preds.map((p) => [p, j] as [number, number]));
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
