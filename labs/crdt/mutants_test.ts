/**
 * Mutation check: the lab's checks must reject classic mistakes, including netsplit's own
 * known-broken variants. (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import { nameTombstoneSet, sumMergeCounter } from "../../src/mod.ts";
import type { CounterOp, CrdtType, SetOp } from "./api.ts";
import { crdtLabFailures } from "./cases.ts";
import { orSet, pnCounter } from "./solution.ts";

// deno-lint-ignore no-explicit-any
type AnyType = CrdtType<any, any, any>;

const counters: Record<string, () => CrdtType<unknown, CounterOp, number>> = {
  "a counter that adds on merge (double counting)": () => {
    const broken = sumMergeCounter();
    return {
      ...broken,
      name: "pn-counter",
      mutate: (s, op, r) =>
        op.type === "decrement"
          ? { [r]: -(op.by ?? 1) }
          : broken.mutate(s as Record<string, number>, op, r),
    } as AnyType;
  },
  "a decrement that lowers the replica's own entry (merge's maximum undoes it)": () => ({
    name: "pn-counter",
    initial: () => ({}),
    mutate: (s, op, r) => {
      const state = s as Record<string, number>;
      const by = op.by ?? 1;
      return { [r]: (state[r] ?? 0) + (op.type === "increment" ? by : -by) };
    },
    merge: (a, b) => {
      const out = { ...(a as Record<string, number>) };
      for (const [r, n] of Object.entries(b as Record<string, number>)) {
        out[r] = Math.max(out[r] ?? -Infinity, n);
      }
      return out;
    },
    value: (s) => Object.values(s as Record<string, number>).reduce((x, n) => x + n, 0),
  }),
};

const sets: Record<string, () => CrdtType<unknown, SetOp, string[]>> = {
  "a set whose remove tombstones the name (remove beats a concurrent add)": () =>
    ({ ...nameTombstoneSet(), name: "or-set" }) as AnyType,
  "an OR-Set whose tag is only the replica (a re-add reuses a removed tag)": () => {
    const good = orSet();
    return {
      ...good,
      mutate: (s, op, r) =>
        op.type === "add"
          ? { added: { [op.element]: [`${r}`] }, removed: [] }
          : good.mutate(s, op, r),
    } as AnyType;
  },
  "an OR-Set whose merge keeps only elements both sides have": () => {
    const good = orSet();
    return {
      ...good,
      merge: (a, b) => {
        const m = good.merge(a, b);
        const keep = Object.keys(a.added).filter((e) => e in b.added);
        return { ...m, added: Object.fromEntries(keep.map((e) => [e, m.added[e]])) };
      },
    } as AnyType;
  },
};

for (const [name, make] of Object.entries(counters)) {
  Deno.test(`the crdt lab's checks reject ${name}`, () => {
    assert.ok(crdtLabFailures(make(), "pn-counter", { numRuns: 100 }).length > 0);
  });
}

for (const [name, make] of Object.entries(sets)) {
  Deno.test(`the crdt lab's checks reject ${name}`, () => {
    assert.ok(crdtLabFailures(make(), "or-set", { numRuns: 100 }).length > 0);
  });
}

Deno.test("the crdt lab's checks accept the reference solution", () => {
  assert.deepEqual(crdtLabFailures(pnCounter(), "pn-counter"), []);
  assert.deepEqual(crdtLabFailures(orSet(), "or-set"), []);
});
