/**
 * Mutation battery: vector clocks a learner could plausibly write, each of which the lab's
 * checks (`checks.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 */

import { registerMutationBattery } from "../_lib/checks.ts";
import type { VectorClock, VectorClockLab, VectorOrder } from "./api.ts";
import { VECTOR_CHECKS } from "./checks.ts";
import * as reference from "./solution.ts";

const own = (v: VectorClock, id: string) => (Object.hasOwn(v, id) ? v[id] : 0);
const union = (
  a: VectorClock,
  b: VectorClock,
) => [...new Set([...Object.keys(a), ...Object.keys(b)])];

/** A compare built on an entry reader, the way most learners write it. */
function compareWith(entry: (v: VectorClock, id: string) => number) {
  return (a: VectorClock, b: VectorClock): VectorOrder => {
    let less = false;
    let greater = false;
    for (const id of union(a, b)) {
      if (entry(a, id) < entry(b, id)) less = true;
      if (entry(a, id) > entry(b, id)) greater = true;
    }
    return less && greater ? "concurrent" : less ? "before" : greater ? "after" : "equal";
  };
}

const withCompare = (name: string, compare: VectorClockLab["compare"]) => ({
  name,
  lab: { compare, merge: reference.merge },
});
const withMerge = (name: string, merge: VectorClockLab["merge"]) => ({
  name,
  lab: { compare: reference.compare, merge },
});

const MUTANTS: { name: string; lab: VectorClockLab }[] = [
  withMerge(
    "merges with min instead of max",
    (a, b) => Object.fromEntries(union(a, b).map((id) => [id, Math.min(own(a, id), own(b, id))])),
  ),
  withMerge("keeps the local vector on merge (the receiver learns nothing)", (a) => a),
  withMerge("lets the sender's entries overwrite the receiver's ({...a, ...b})", (a, b) => ({
    ...a,
    ...b,
  })),
  withMerge(
    "adds the entries instead of taking the maximum",
    (a, b) => Object.fromEntries(union(a, b).map((id) => [id, own(a, id) + own(b, id)])),
  ),
  withMerge("keeps only the nodes both vectors know", (a, b) =>
    Object.fromEntries(
      Object.keys(a).filter((id) => Object.hasOwn(b, id)).map((id) => [id, Math.max(a[id], b[id])]),
    )),
  withMerge("tests `id in v`, which finds toString on every object's prototype", (a, b) => {
    const read = (v: VectorClock, id: string) => (id in v ? v[id] : 0);
    return Object.fromEntries(union(a, b).map((id) => [id, Math.max(read(a, id), read(b, id))]));
  }),
  withMerge("merges into its first argument", (a, b) => {
    const out = a as Record<string, number>;
    for (const id of Object.keys(b)) out[id] = Math.max(own(a, id), own(b, id));
    return out;
  }),
  withCompare("only looks at the first vector's keys", (a, b) => {
    const onlyA = Object.fromEntries(Object.keys(a).map((id) => [id, own(b, id)]));
    return reference.compare(a, onlyA);
  }),
  withCompare("never answers concurrent (a total order, like Lamport clocks)", (a, b) => {
    const sum = (v: VectorClock) => Object.values(v).reduce((s, x) => s + x, 0);
    const verdict = reference.compare(a, b);
    if (verdict !== "concurrent") return verdict;
    return sum(a) <= sum(b) ? "before" : "after";
  }),
  withCompare(
    "reads a missing node with v[id] ?? 0, so toString is a function, not 0",
    compareWith((v, id) => v[id] ?? 0),
  ),
  withCompare(
    "reads a missing node as undefined, not 0",
    compareWith((v, id) => v[id]),
  ),
  withCompare("calls a vector before another when every entry is <= (equal included)", (a, b) => {
    const verdict = reference.compare(a, b);
    return verdict === "equal" ? "before" : verdict;
  }),
  withCompare("wants every entry strictly smaller for before", (a, b) => {
    const verdict = reference.compare(a, b);
    if (verdict !== "before" && verdict !== "after") return verdict;
    const strict = union(a, b).every((id) =>
      verdict === "before" ? own(a, id) < own(b, id) : own(a, id) > own(b, id)
    );
    return strict ? verdict : "concurrent";
  }),
  withCompare("swaps before and after", (a, b) => {
    const verdict = reference.compare(a, b);
    return verdict === "before" ? "after" : verdict === "after" ? "before" : verdict;
  }),
];

registerMutationBattery({
  lab: "vector-clocks",
  checks: VECTOR_CHECKS,
  reference,
  mutants: MUTANTS,
});
