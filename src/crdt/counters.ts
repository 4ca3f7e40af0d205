/**
 * Counters: the G-Counter (grow-only) and the PN-Counter (increments and decrements), Shapiro
 * et al. 2011, §3.1.1–§3.1.2 (Specifications 6 and 7). Each replica counts its own increments
 * in its own entry; merge takes the entry-wise maximum, so a state seen twice is counted once.
 * Delta-mutators (Almeida et al. 2018, §4.1) ship only the replica's own entry.
 *
 * Non-goals: bounded counters (no "stock never below zero" invariant: that needs
 * coordination, Balegas et al. 2015).
 *
 * @module
 */

import { badCrdtOp, type CrdtType, type ReplicaId } from "./types.ts";

// Replica ids are any strings: read own entries only (an id like "constructor" must not find
// Object.prototype's member) and define entries rather than assign them (assigning "__proto__"
// sets the prototype in browsers, and the entry vanishes).
function own(map: Readonly<Record<string, number>>, id: string): number {
  return Object.hasOwn(map, id) ? map[id] : 0;
}

function define(map: Record<string, number>, id: string, value: number): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true });
}

/** A G-Counter's state: each replica's own increments. */
export type GCounterState = Readonly<Record<ReplicaId, number>>;

/** Counter operations; `by` defaults to 1 and must be a non-negative safe integer. */
export type CounterOp = { type: "increment"; by?: number } | { type: "decrement"; by?: number };

function amount(typeName: string, op: CounterOp): number {
  const by = op.by ?? 1;
  if (!Number.isSafeInteger(by) || by < 0) {
    throw new RangeError(`${typeName}: ${op.type} by must be a safe integer >= 0, got ${by}`);
  }
  return by;
}

/**
 * The entry-wise maximum of two G-Counter states (the join).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeGCounters } from "./counters.ts";
 * assert.deepEqual(mergeGCounters({ a: 3, b: 1 }, { b: 2 }), { a: 3, b: 2 });
 * ```
 */
export function mergeGCounters(a: GCounterState, b: GCounterState): GCounterState {
  const out: Record<ReplicaId, number> = { ...a };
  for (const [r, n] of Object.entries(b)) define(out, r, Math.max(own(out, r), n));
  return out;
}

function sum(state: GCounterState): number {
  return Object.values(state).reduce((s, n) => s + n, 0);
}

/**
 * The G-Counter: increments only; its value is the sum of the entries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gCounter } from "./counters.ts";
 * const c = gCounter();
 * const a = c.merge(c.initial(), c.mutate(c.initial(), { type: "increment", by: 2 }, "a"));
 * const b = c.merge(c.initial(), c.mutate(c.initial(), { type: "increment" }, "b"));
 * assert.equal(c.value(c.merge(a, b)), 3);
 * assert.equal(c.value(c.merge(c.merge(a, b), a)), 3); // merging again counts nothing twice
 * ```
 */
export function gCounter(): CrdtType<GCounterState, CounterOp, number> {
  const name = "g-counter";
  return {
    name,
    initial: () => ({}),
    mutate(state, op, replica) {
      if (op?.type !== "increment") badCrdtOp(name, op);
      const by = amount(name, op);
      return by === 0 ? {} : { [replica]: own(state, replica) + by };
    },
    merge: mergeGCounters,
    value: sum,
  };
}

/** A PN-Counter's state: one G-Counter of increments, one of decrements. */
export interface PnCounterState {
  readonly p: GCounterState;
  readonly n: GCounterState;
}

/**
 * The PN-Counter: two G-Counters, the value is increments minus decrements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, pnCounter } from "./mod.ts";
 * const c = pnCounter();
 * let s = applyCrdtOp(c, c.initial(), { type: "increment", by: 5 }, "a").state;
 * s = applyCrdtOp(c, s, { type: "decrement", by: 2 }, "b").state;
 * assert.equal(c.value(s), 3);
 * ```
 */
export function pnCounter(): CrdtType<PnCounterState, CounterOp, number> {
  const name = "pn-counter";
  return {
    name,
    initial: () => ({ p: {}, n: {} }),
    mutate(state, op, replica) {
      if (op?.type !== "increment" && op?.type !== "decrement") badCrdtOp(name, op);
      const by = amount(name, op);
      if (by === 0) return { p: {}, n: {} };
      const side = op.type === "increment" ? "p" : "n";
      const delta = { [replica]: own(state[side], replica) + by };
      return side === "p" ? { p: delta, n: {} } : { p: {}, n: delta };
    },
    merge: (a, b) => ({ p: mergeGCounters(a.p, b.p), n: mergeGCounters(a.n, b.n) }),
    value: (state) => sum(state.p) - sum(state.n),
  };
}
