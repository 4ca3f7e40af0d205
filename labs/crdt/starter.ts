/**
 * Your CRDTs. Replace each `throw`; run `NETSPLIT_LAB_TARGET=starter deno test -A labs/crdt`
 * until it is green. The G-Counter below works: copy its shape.
 *
 * @module
 */

import type { CounterOp, CrdtType, SetOp } from "./api.ts";

/** A working G-Counter, as an example: one entry per replica, merge takes the maximum. */
export function gCounter(): CrdtType<Record<string, number>, CounterOp, number> {
  return {
    name: "g-counter",
    initial: () => ({}),
    // A delta-mutator returns only what changed: this replica's new entry.
    mutate: (state, op, replica) => ({ [replica]: (state[replica] ?? 0) + (op.by ?? 1) }),
    merge: (a, b) => {
      const out = { ...a };
      for (const [r, n] of Object.entries(b)) out[r] = Math.max(out[r] ?? 0, n);
      return out;
    },
    value: (state) => Object.values(state).reduce((s, n) => s + n, 0),
  };
}

/**
 * The PN-Counter (README.md, step 1).
 *
 * Hint: a decrement must never make any entry smaller — merge would undo it.
 */
export function pnCounter(): CrdtType<unknown, CounterOp, number> {
  return {
    name: "pn-counter",
    initial: () => {
      throw new Error("TODO pnCounter().initial: return the empty state (README.md, step 1)");
    },
    mutate: (_state, op, replica) => {
      throw new Error(
        `TODO pnCounter().mutate(${
          JSON.stringify(op)
        }, ${replica}): return the delta (README.md, step 1)`,
      );
    },
    merge: () => {
      throw new Error("TODO pnCounter().merge: join two states (README.md, step 1)");
    },
    value: () => {
      throw new Error("TODO pnCounter().value: increments minus decrements (README.md, step 1)");
    },
  };
}

/**
 * The add-wins OR-Set (README.md, step 2).
 *
 * Hint: tag every add with a tag no other add will ever have; a remove removes the tags it
 * has seen, and only those.
 */
export function orSet(): CrdtType<unknown, SetOp, string[]> {
  return {
    name: "or-set",
    initial: () => {
      throw new Error("TODO orSet().initial: return the empty state (README.md, step 2)");
    },
    mutate: (_state, op, replica) => {
      throw new Error(
        `TODO orSet().mutate(${
          JSON.stringify(op)
        }, ${replica}): return the delta (README.md, step 2)`,
      );
    },
    merge: () => {
      throw new Error("TODO orSet().merge: join two states (README.md, step 2)");
    },
    value: () => {
      throw new Error(
        "TODO orSet().value: the elements with a live tag, sorted (README.md, step 2)",
      );
    },
  };
}
