/**
 * Sets: the G-Set (add only), the 2P-Set (add, then remove for good) and the add-wins
 * Observed-Remove Set (Shapiro et al. 2011, §3.3.1, §3.3.2, §3.3.5), the last in its
 * optimised form without tombstones: each add creates a dot, a remove deletes the dots it has
 * observed, and the causal context remembers what was seen (Bieniusa et al. 2012; Almeida et
 * al. 2018, §6.1, the add-wins set "AWSet"). A concurrent add's dot is one the remover never
 * saw, so it survives the merge: add wins.
 *
 * Elements are strings (encode other values first).
 *
 * @module
 */

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

/** Set operations. */
export type SetOp = { type: "add"; element: string } | { type: "remove"; element: string };

function checkElement(typeName: string, op: SetOp | undefined): string {
  if (typeof op?.element !== "string") badCrdtOp(typeName, op);
  return op.element;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * The G-Set: add only; merge is union.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gSet } from "./sets.ts";
 * const s = gSet();
 * assert.deepEqual(s.value(s.merge(["b"], ["a", "b"])), ["a", "b"]);
 * ```
 */
export function gSet(): CrdtType<readonly string[], SetOp, string[]> {
  const name = "g-set";
  return {
    name,
    initial: () => [],
    mutate(state, op) {
      const element = checkElement(name, op);
      if (op.type !== "add") badCrdtOp(name, op);
      return state.includes(element) ? [] : [element];
    },
    merge: union,
    value: (state) => [...state],
  };
}

/** A 2P-Set's state: a G-Set of adds and a G-Set of removes (tombstones). */
export interface TwoPhaseSetState {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The 2P-Set: an element removed once can never come back; a remove of an element not (yet)
 * added is ignored, as the specification's precondition asks (Shapiro et al. 2011, Spec. 12).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, twoPhaseSet } from "./mod.ts";
 * const t = twoPhaseSet();
 * let s = applyCrdtOp(t, t.initial(), { type: "add", element: "x" }, "a").state;
 * s = applyCrdtOp(t, s, { type: "remove", element: "x" }, "a").state;
 * s = applyCrdtOp(t, s, { type: "add", element: "x" }, "a").state;
 * assert.deepEqual(t.value(s), []); // removed for good
 * ```
 */
export function twoPhaseSet(): CrdtType<TwoPhaseSetState, SetOp, string[]> {
  const name = "2p-set";
  return {
    name,
    initial: () => ({ added: [], removed: [] }),
    mutate(state, op) {
      const element = checkElement(name, op);
      switch (op.type) {
        case "add":
          return { added: state.added.includes(element) ? [] : [element], removed: [] };
        case "remove":
          return {
            added: [],
            removed: state.added.includes(element) && !state.removed.includes(element)
              ? [element]
              : [],
          };
        default:
          return badCrdtOp(name, op satisfies never);
      }
    },
    merge: (a, b) => ({ added: union(a.added, b.added), removed: union(a.removed, b.removed) }),
    value: (state) => state.added.filter((e) => !state.removed.includes(e)),
  };
}

/** An OR-Set's state: each present element's live dots, and every dot seen. */
export interface OrSetState {
  readonly entries: Readonly<Record<string, readonly CrdtDot[]>>;
  readonly context: CausalContext;
}

/**
 * The element's live dots: an own key only, so an element named "constructor" or "__proto__"
 * reads its own entry, not a method of Object.prototype.
 */
function dotsOf(state: OrSetState, element: string): readonly CrdtDot[] {
  return Object.hasOwn(state.entries, element) ? state.entries[element] : [];
}

/**
 * Merges two OR-Set states (the dot-store join, entry by entry).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeOrSets } from "./sets.ts";
 * // b removed x (saw dot a:1, holds nothing); a re-added x concurrently (dot a:2).
 * const a = { entries: { x: [["a", 2]] as const }, context: { vv: { a: 2 }, cloud: [] } };
 * const b = { entries: {}, context: { vv: { a: 1 }, cloud: [] } };
 * assert.deepEqual(mergeOrSets(a, b).entries, { x: [["a", 2]] });
 * ```
 */
export function mergeOrSets(a: OrSetState, b: OrSetState): OrSetState {
  const entries: Record<string, CrdtDot[]> = {};
  for (const element of new Set([...Object.keys(a.entries), ...Object.keys(b.entries)])) {
    const dots = mergeDotSets(
      dotsOf(a, element),
      a.context,
      dotsOf(b, element),
      b.context,
    );
    // defineProperty, not `entries[element] =`: assigning "__proto__" would set the prototype.
    if (dots.length > 0) {
      Object.defineProperty(entries, element, {
        value: dots,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return { entries, context: joinContexts(a.context, b.context) };
}

/**
 * The add-wins OR-Set (delta-state, tombstone-free).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, orSet } from "./mod.ts";
 * const o = orSet();
 * const base = applyCrdtOp(o, o.initial(), { type: "add", element: "x" }, "a").state;
 * // Concurrently: a adds x again, b removes the x it saw.
 * const a = applyCrdtOp(o, base, { type: "add", element: "x" }, "a").state;
 * const b = applyCrdtOp(o, base, { type: "remove", element: "x" }, "b").state;
 * assert.deepEqual(o.value(o.merge(a, b)), ["x"]); // add wins
 * assert.deepEqual(o.value(o.merge(base, b)), []); // a remove of what was seen removes it
 * ```
 */
export function orSet(): CrdtType<OrSetState, SetOp, string[]> {
  const name = "or-set";
  return {
    name,
    initial: () => ({ entries: {}, context: emptyContext() }),
    mutate(state, op, replica) {
      const element = checkElement(name, op);
      const observed = dotsOf(state, element);
      switch (op.type) {
        case "add": {
          // Almeida et al. 2018, §6.1: add's delta holds the new dot and, in its context, the
          // dots it replaces, so merging the delta also drops the element's older dots.
          const dot = nextDot(state.context, replica);
          return {
            entries: { [element]: [dot] },
            context: compactContext({}, [...observed, dot].sort(compareDots)),
          };
        }
        case "remove":
          return { entries: {}, context: compactContext({}, observed) };
        default:
          return badCrdtOp(name, op satisfies never);
      }
    },
    merge: mergeOrSets,
    value: (state) => Object.keys(state.entries).sort(),
  };
}
