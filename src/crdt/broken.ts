/**
 * Known-broken CRDTs, kept so the checks can show they catch them. Each is a simplification
 * that looks right in a single-replica test:
 *
 * - `g-counter/sum-merge` ships each increment and *adds* it on merge, as an op-based counter
 *   would. It is right when every message arrives exactly once, and double counts as soon as a
 *   message is duplicated or a state is merged twice: merge is not idempotent.
 * - `or-set/name-tombstones` drops the OR-Set's unique tags: a remove tombstones the element's
 *   name. Merge is still a join (union), so replicas converge — to the wrong value: a remove
 *   beats a concurrent add (remove wins, the wrong direction for an add-wins set) and even a
 *   later re-add. Only a check against the set's specification catches it.
 *
 * The third classic failure, last-writer-wins on skewed physical clocks, is not a broken
 * merge but broken timestamps: the replica runner's `stamps: "physical"` option (see the
 * Time page's `lww-skew` experiment).
 *
 * @module
 */

import type { GCounterState } from "./counters.ts";
import type { CounterOp } from "./counters.ts";
import type { SetOp, TwoPhaseSetState } from "./sets.ts";
import { badCrdtOp, type CrdtType } from "./types.ts";

/**
 * A G-Counter whose merge adds entries instead of taking their maximum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumMergeCounter } from "./broken.ts";
 * const c = sumMergeCounter();
 * const s = c.merge(c.initial(), c.mutate(c.initial(), { type: "increment" }, "a"));
 * assert.equal(c.value(c.merge(s, s)), 2); // one increment, counted twice
 * ```
 */
export function sumMergeCounter(): CrdtType<GCounterState, CounterOp, number> {
  const name = "g-counter/sum-merge";
  return {
    name,
    initial: () => ({}),
    mutate(_state, op, replica) {
      if (op?.type !== "increment") badCrdtOp(name, op);
      const by = op.by ?? 1;
      return by === 0 ? {} : { [replica]: by };
    },
    merge(a, b) {
      const out: Record<string, number> = { ...a };
      for (const [r, n] of Object.entries(b)) out[r] = (out[r] ?? 0) + n;
      return out;
    },
    value: (state) => Object.values(state).reduce((s, n) => s + n, 0),
  };
}

/**
 * An "OR-Set" without tags: removes tombstone the element's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameTombstoneSet } from "./broken.ts";
 * const s = nameTombstoneSet();
 * const added = s.merge(s.initial(), s.mutate(s.initial(), { type: "add", element: "x" }, "a"));
 * const removed = s.merge(added, s.mutate(added, { type: "remove", element: "x" }, "b"));
 * const readded = s.merge(removed, s.mutate(removed, { type: "add", element: "x" }, "a"));
 * assert.deepEqual(s.value(readded), []); // the later add is lost
 * ```
 */
export function nameTombstoneSet(): CrdtType<TwoPhaseSetState, SetOp, string[]> {
  const name = "or-set/name-tombstones";
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();
  return {
    name,
    initial: () => ({ added: [], removed: [] }),
    mutate(state, op) {
      if (typeof op?.element !== "string") badCrdtOp(name, op);
      if (op.type === "add") return { added: [op.element], removed: [] };
      if (op.type === "remove") {
        return { added: [], removed: state.added.includes(op.element) ? [op.element] : [] };
      }
      return badCrdtOp(name, op);
    },
    merge: (a, b) => ({ added: union(a.added, b.added), removed: union(a.removed, b.removed) }),
    value: (state) => state.added.filter((e) => !state.removed.includes(e)),
  };
}
