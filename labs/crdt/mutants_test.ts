/**
 * Mutation battery: counters and sets a learner could plausibly write (netsplit's own
 * known-broken variants among them), each of which the lab's checks (`cases.ts`) must reject.
 * (It tests the tests; a learner can ignore it, and a workshop fork leaves it out: it needs
 * the reference solution.)
 */

import { nameTombstoneSet, sumMergeCounter } from "../../src/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { CounterOp, CrdtLab, CrdtType, SetOp } from "./api.ts";
import { CRDT_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";
import type { OrState, PnState } from "./solution.ts";

type Counts = Record<string, number>;
type Counter = CrdtType<PnState, CounterOp, number>;
type OrSet = CrdtType<OrState, SetOp, string[]>;

const counter = (name: string, change: (good: Counter) => Partial<Counter>) => {
  const good = reference.pnCounter();
  const pnCounter = () => ({ ...good, ...change(good) }) as CrdtType<unknown, CounterOp, number>;
  return { name, lab: { ...reference, pnCounter } as CrdtLab };
};
const set = (name: string, change: (good: OrSet) => Partial<OrSet>) => {
  const good = reference.orSet();
  const orSet = () => ({ ...good, ...change(good) }) as CrdtType<unknown, SetOp, string[]>;
  return { name, lab: { ...reference, orSet } as CrdtLab };
};

const mergeWith = (pick: (a: number, b: number) => number) => (a: Counts, b: Counts) => {
  const out: Counts = { ...a };
  for (const [r, n] of Object.entries(b)) out[r] = r in out ? pick(out[r], n) : n;
  return out;
};
const sum = (c: Counts) => Object.values(c).reduce((s, n) => s + n, 0);
const tag = (t: string) => Number(t.split("#")[1]);

const MUTANTS: LabMutant<CrdtLab>[] = [
  {
    name: "adds counters on merge (double counting)",
    lab: {
      ...reference,
      pnCounter: () => {
        const broken = sumMergeCounter();
        return {
          ...broken,
          name: "pn-counter",
          mutate: (s, op, r) =>
            op.type === "decrement" ? { [r]: -(op.by ?? 1) } : broken.mutate(s as Counts, op, r),
        } as CrdtType<unknown, CounterOp, number>;
      },
    },
  },
  {
    name: "lowers the replica's own entry on decrement (merge's maximum undoes it)",
    lab: {
      ...reference,
      pnCounter: () => ({
        name: "pn-counter",
        initial: () => ({}),
        mutate: (s, op, r) => {
          const state = s as Counts;
          const by = op.by ?? 1;
          return { [r]: (state[r] ?? 0) + (op.type === "increment" ? by : -by) };
        },
        merge: (a, b) => mergeWith(Math.max)(a as Counts, b as Counts),
        value: (s) => sum(s as Counts),
      }),
    },
  },
  counter("merges with the minimum instead of the maximum", () => ({
    merge: (a, b) => ({ p: mergeWith(Math.min)(a.p, b.p), n: mergeWith(Math.min)(a.n, b.n) }),
  })),
  counter("keeps only the replicas the local state already knows on merge", () => ({
    merge: (a, b) => {
      const keep = (x: Counts, y: Counts) =>
        Object.fromEntries(Object.entries(x).map(([r, n]) => [r, Math.max(n, y[r] ?? 0)]));
      return { p: keep(a.p, b.p), n: keep(a.n, b.n) };
    },
  })),
  counter("decrements by one whatever `by` says", (good) => ({
    mutate: (s, op, r) => good.mutate(s, op.type === "decrement" ? { ...op, by: 1 } : op, r),
  })),
  counter("ignores decrements in the value", () => ({ value: (s) => sum(s.p) })),
  counter("reads a replica's count with a plain lookup (prototype keys)", () => ({
    mutate: (s, op, r) => {
      const by = op.by ?? 1;
      const side = op.type === "increment" ? s.p : s.n;
      const next = { [r]: ((side as Counts)[r] ?? 0) + by };
      return op.type === "increment" ? { p: next, n: {} } : { p: {}, n: next };
    },
  })),
  {
    name: "tombstones the element's name (remove beats a concurrent add)",
    lab: {
      ...reference,
      orSet: () =>
        ({ ...nameTombstoneSet(), name: "or-set" }) as CrdtType<unknown, SetOp, string[]>,
    },
  },
  set("tags an add with the replica only (a re-add reuses a removed tag)", (good) => ({
    mutate: (s, op, r) =>
      op.type === "add"
        ? { added: { [op.element]: [`${r}`] }, removed: [] }
        : good.mutate(s, op, r),
  })),
  set("keeps only the elements both sides have on merge", (good) => ({
    merge: (a, b) => {
      const m = good.merge(a, b);
      const keep = Object.keys(a.added).filter((e) => e in b.added);
      return { ...m, added: Object.fromEntries(keep.map((e) => [e, m.added[e]])) };
    },
  })),
  set("forgets the tags instead of tombstoning them on remove", () => ({
    mutate: (s, op, r) =>
      op.type === "add"
        ? reference.orSet().mutate(s, op, r)
        : { added: { [op.element]: [] }, removed: [] },
  })),
  set("shows an element while it has any tag, removed or not", () => ({
    value: (s) => Object.keys(s.added).filter((e) => s.added[e].length > 0).sort(),
  })),
  set("numbers tags per element (removing x also removes y's tag)", (good) => ({
    mutate: (s, op, r) => {
      if (op.type !== "add") return good.mutate(s, op, r);
      const mine = (s.added[op.element] ?? []).filter((t) => t.startsWith(`${r}#`));
      return { added: { [op.element]: [`${r}#${mine.length + 1}`] }, removed: [] };
    },
  })),
  set("numbers a new tag after the live tags only (a re-add reuses a removed tag)", (good) => ({
    mutate: (s, op, r) => {
      if (op.type !== "add") return good.mutate(s, op, r);
      const live = Object.values(s.added).flat()
        .filter((t) => t.startsWith(`${r}#`) && !s.removed.includes(t));
      const next = Math.max(0, ...live.map(tag)) + 1;
      return { added: { [op.element]: [`${r}#${next}`] }, removed: [] };
    },
  })),
  set("reads an element's tags with a plain lookup (prototype keys)", (good) => ({
    mutate: (s, op, r) =>
      op.type === "add" ? good.mutate(s, op, r) : {
        added: {},
        removed: ((s.added as Record<string, string[]>)[op.element] ?? [])
          .filter((t) => !s.removed.includes(t)),
      },
  })),
];

registerMutationBattery({ lab: "crdt", checks: CRDT_CHECKS, reference, mutants: MUTANTS });
