/**
 * Registers: the last-writer-wins register (Shapiro et al. 2011, §3.2.1, Spec. 8) and the
 * multi-value register (§3.2.2, Spec. 10, as in Dynamo's siblings), the latter in dot form
 * (Almeida et al. 2018, §6.2): an assignment replaces the values it has seen, so concurrent
 * assignments both survive until one later assignment that saw them all.
 *
 * An LWW register is only as good as its timestamps: stamps from a physical clock running
 * behind make a causally later write lose (see the Time page's `lww-skew` experiment); stamps
 * from a hybrid logical clock never do. The caller supplies the stamp with each assignment,
 * so the register itself stays a pure function of its inputs.
 *
 * @module
 */

import { compareLwwStamps, type LwwStamp } from "../clocks/mod.ts";
import {
  type CausalContext,
  compactContext,
  compareDots,
  type CrdtDot,
  emptyContext,
  joinContexts,
  mergeDotSets,
  nextDot,
} from "./dots.ts";
import { badCrdtOp, type CrdtType } from "./types.ts";

/** An LWW register's state: the winning write, or null before any. */
export type LwwRegisterState<T> = { readonly value: T; readonly stamp: LwwStamp } | null;

/** Assigns a value; LWW needs the write's timestamp, an MV register ignores it. */
export type RegisterOp<T> = { type: "assign"; value: T; stamp?: LwwStamp };

/**
 * The join of two LWW register states: the larger stamp wins, `(l, c, node)` ordered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeLwwRegisters } from "./registers.ts";
 * const x = { value: "x", stamp: { l: 1, c: 0, node: "a" } };
 * const y = { value: "y", stamp: { l: 2, c: 0, node: "b" } };
 * assert.equal(mergeLwwRegisters(x, y)?.value, "y");
 * assert.equal(mergeLwwRegisters(y, null)?.value, "y");
 * ```
 */
export function mergeLwwRegisters<T>(
  a: LwwRegisterState<T>,
  b: LwwRegisterState<T>,
): LwwRegisterState<T> {
  if (a === null) return b;
  if (b === null) return a;
  return compareLwwStamps(a.stamp, b.stamp) >= 0 ? a : b;
}

function checkStamp(typeName: string, op: { stamp?: LwwStamp }): LwwStamp {
  const s = op.stamp;
  if (
    s === undefined || !Number.isFinite(s.l) || !Number.isFinite(s.c) || typeof s.node !== "string"
  ) {
    throw new RangeError(
      `${typeName}: an assignment needs a stamp {l, c, node}, got ${JSON.stringify(s)}`,
    );
  }
  return s;
}

/**
 * The LWW register.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lwwRegister } from "./registers.ts";
 * const r = lwwRegister<string>();
 * const a = r.mutate(null, { type: "assign", value: "a", stamp: { l: 5, c: 0, node: "n1" } }, "n1");
 * const b = r.mutate(null, { type: "assign", value: "b", stamp: { l: 3, c: 0, node: "n2" } }, "n2");
 * assert.equal(r.value(r.merge(a, b)), "a");
 * ```
 */
export function lwwRegister<T = unknown>(): CrdtType<LwwRegisterState<T>, RegisterOp<T>, T | null> {
  const name = "lww-register";
  return {
    name,
    initial: () => null,
    mutate(_state, op) {
      if (op?.type !== "assign") badCrdtOp(name, op);
      return { value: op.value, stamp: checkStamp(name, op) };
    },
    merge: mergeLwwRegisters,
    value: (state) => (state === null ? null : state.value),
  };
}

/** An MV register's state: each live value with its dot, and every dot seen. */
export interface MvRegisterState<T> {
  readonly entries: readonly { readonly dot: CrdtDot; readonly value: T }[];
  readonly context: CausalContext;
}

/**
 * The multi-value register: reads return every concurrent value (siblings), sorted by dot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, mvRegister } from "./mod.ts";
 * const m = mvRegister<string>();
 * const a = applyCrdtOp(m, m.initial(), { type: "assign", value: "a" }, "n1").state;
 * const b = applyCrdtOp(m, m.initial(), { type: "assign", value: "b" }, "n2").state;
 * const both = m.merge(a, b);
 * assert.deepEqual(m.value(both), ["a", "b"]);
 * const c = applyCrdtOp(m, both, { type: "assign", value: "c" }, "n1").state;
 * assert.deepEqual(m.value(m.merge(c, b)), ["c"]); // c saw both, so it replaces both
 * ```
 */
export function mvRegister<T = unknown>(): CrdtType<MvRegisterState<T>, RegisterOp<T>, T[]> {
  const name = "mv-register";
  return {
    name,
    initial: () => ({ entries: [], context: emptyContext() }),
    mutate(state, op, replica) {
      if (op?.type !== "assign") badCrdtOp(name, op);
      const dot = nextDot(state.context, replica);
      return {
        entries: [{ dot, value: op.value }],
        context: compactContext({}, [...state.entries.map((e) => e.dot), dot]),
      };
    },
    merge(a, b) {
      const values = new Map<string, T>();
      for (const e of [...a.entries, ...b.entries]) values.set(`${e.dot[1]}:${e.dot[0]}`, e.value);
      const dots = mergeDotSets(
        a.entries.map((e) => e.dot),
        a.context,
        b.entries.map((e) => e.dot),
        b.context,
      );
      return {
        entries: dots.sort(compareDots).map((dot) => ({
          dot,
          value: values.get(`${dot[1]}:${dot[0]}`)!,
        })),
        context: joinContexts(a.context, b.context),
      };
    },
    value: (state) => state.entries.map((e) => e.value),
  };
}
