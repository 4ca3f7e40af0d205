/**
 * Reference solution of the CRDT lab: a PN-Counter made of two G-Counters, and the classic
 * add-wins OR-Set with unique tags and tombstones (Shapiro et al. 2011, §3.1.2 and §3.3.5,
 * Specifications 7 and 15). netsplit's own OR-Set (`src/crdt/sets.ts`) is the optimised one
 * without tombstones.
 *
 * @module
 */

import type { CounterOp, CrdtType, SetOp } from "./api.ts";

type Counts = Readonly<Record<string, number>>;

// Own keys only: a replica id like "constructor" must not read Object.prototype's member.
const entry = (c: Counts, replica: string) => Object.hasOwn(c, replica) ? c[replica] : 0;

function maxMerge(a: Counts, b: Counts): Counts {
  const out: Record<string, number> = { ...a };
  for (const [r, n] of Object.entries(b)) out[r] = Math.max(entry(out, r), n);
  return out;
}

const sum = (c: Counts) => Object.values(c).reduce((s, n) => s + n, 0);

/** A PN-Counter's state: increments and decrements, each counted per replica. */
export interface PnState {
  readonly p: Counts;
  readonly n: Counts;
}

/** The PN-Counter: a decrement grows the N side, so no entry ever shrinks. */
export function pnCounter(): CrdtType<PnState, CounterOp, number> {
  return {
    name: "pn-counter",
    initial: () => ({ p: {}, n: {} }),
    mutate(state, op, replica) {
      const by = op.by ?? 1;
      if (op.type === "increment") return { p: { [replica]: entry(state.p, replica) + by }, n: {} };
      return { p: {}, n: { [replica]: entry(state.n, replica) + by } };
    },
    merge: (a, b) => ({ p: maxMerge(a.p, b.p), n: maxMerge(a.n, b.n) }),
    value: (state) => sum(state.p) - sum(state.n),
  };
}

/** An OR-Set's state: every tag each element was ever added with, and the removed tags. */
export interface OrState {
  readonly added: Readonly<Record<string, readonly string[]>>;
  readonly removed: readonly string[];
}

// Own keys only, as for counters: an element may be called "constructor".
const tagsOf = (added: OrState["added"], element: string) =>
  Object.hasOwn(added, element) ? added[element] : [];

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/** The add-wins OR-Set: a remove tombstones the tags it has seen; a concurrent add's tag survives. */
export function orSet(): CrdtType<OrState, SetOp, string[]> {
  return {
    name: "or-set",
    initial: () => ({ added: {}, removed: [] }),
    mutate(state, op, replica) {
      if (op.type === "add") {
        // Tags stay in `added` forever, so counting this replica's tags gives a fresh number.
        const mine = Object.values(state.added).flat().filter((t) => t.startsWith(`${replica}#`));
        return { added: { [op.element]: [`${replica}#${mine.length + 1}`] }, removed: [] };
      }
      const live = tagsOf(state.added, op.element).filter((t) => !state.removed.includes(t));
      return { added: {}, removed: live };
    },
    merge(a, b) {
      const added: Record<string, string[]> = {};
      for (const e of new Set([...Object.keys(a.added), ...Object.keys(b.added)])) {
        added[e] = union(tagsOf(a.added, e), tagsOf(b.added, e));
      }
      return { added, removed: union(a.removed, b.removed) };
    },
    value: (state) =>
      Object.keys(state.added)
        .filter((e) => state.added[e].some((t) => !state.removed.includes(t)))
        .sort(),
  };
}
