/**
 * Invariants of replicated CRDTs, as exported functions over plain data:
 *
 * - **Strong convergence** (Shapiro et al. 2011, Definition 2.3): replicas that have received
 *   the same updates have equal states — checked at any moment, not only at the end.
 * - **The specification**: once every replica has every update, the value is the one the
 *   type's concurrent specification gives for those updates and their causal order (which
 *   update each one had observed). A broken type can converge to a wrong value, so
 *   convergence alone proves little: the set with name tombstones converges and is still
 *   wrong.
 * - **Lost later writes** of last-writer-wins: a write that had observed another write but
 *   carries a smaller stamp loses to it (clock skew with physical timestamps).
 *
 * Updates are recorded with `observed`, the ids of the updates the issuing replica had seen
 * when it issued the update: that is the causal order the specifications need.
 *
 * @module
 */

import { compareLwwStamps, type LwwStamp } from "../../clocks/mod.ts";
import { crdtStateKey } from "../../crdt/mod.ts";

/** One update as a checker sees it. */
export interface CrdtUpdateRecord {
  /** Unique id, in issue order. */
  id: number;
  replica: string;
  timeMs: number;
  op: { type: string; [field: string]: unknown };
  /** Ids of the updates the replica had seen when it issued this one. */
  observed: readonly number[];
}

/** A replica at a moment: what it has seen, its state and its value. */
export interface CrdtReplicaSnapshot {
  replica: string;
  seen: readonly number[];
  state: unknown;
  value: unknown;
}

/** One broken invariant. */
export interface CrdtViolation {
  invariant: "strong-convergence" | "specification" | "lww-lost-write";
  timeMs: number;
  message: string;
}

/**
 * Pairs of replicas that have seen the same updates but hold different states.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strongConvergenceViolations } from "./crdt.ts";
 * const same = { seen: [1], state: { a: 1 }, value: 1 };
 * assert.deepEqual(strongConvergenceViolations([{ replica: "a", ...same }, { replica: "b", ...same }], 0), []);
 * const twice = { replica: "c", seen: [1], state: { a: 2 }, value: 2 };
 * assert.equal(strongConvergenceViolations([{ replica: "a", ...same }, twice], 5)[0].invariant, "strong-convergence");
 * ```
 */
export function strongConvergenceViolations(
  snapshots: readonly CrdtReplicaSnapshot[],
  timeMs: number,
): CrdtViolation[] {
  const byHistory = new Map<string, CrdtReplicaSnapshot>();
  const violations: CrdtViolation[] = [];
  for (const snapshot of snapshots) {
    const history = [...snapshot.seen].sort((a, b) => a - b).join(",");
    const other = byHistory.get(history);
    if (other === undefined) {
      byHistory.set(history, snapshot);
    } else if (crdtStateKey(other.state) !== crdtStateKey(snapshot.state)) {
      violations.push({
        invariant: "strong-convergence",
        timeMs,
        message:
          `${other.replica} and ${snapshot.replica} saw the same ${snapshot.seen.length} updates ` +
          `but hold values ${JSON.stringify(other.value)} and ${JSON.stringify(snapshot.value)}`,
      });
    }
  }
  return violations;
}

function byStamp(updates: readonly CrdtUpdateRecord[]): CrdtUpdateRecord | undefined {
  let best: CrdtUpdateRecord | undefined;
  for (const u of updates) {
    if (
      best === undefined || compareLwwStamps(u.op.stamp as LwwStamp, best.op.stamp as LwwStamp) > 0
    ) {
      best = u;
    }
  }
  return best;
}

function observedBy(updates: readonly CrdtUpdateRecord[]): Map<number, CrdtUpdateRecord[]> {
  const out = new Map<number, CrdtUpdateRecord[]>();
  for (const u of updates) {
    for (const o of u.observed) out.set(o, [...(out.get(o) ?? []), u]);
  }
  return out;
}

/**
 * The value a type's specification gives for a set of updates and their causal order: the
 * sum of a counter's increments; a set's elements (add-wins for the OR-Set: an element is in
 * when some add of it was observed by no remove of it; a 2P-Set's element is out once a remove
 * that saw an add of it ran); an LWW register's or map entry's value with the largest stamp; an
 * MV register's values no other assignment observed. A broken variant is held to its base
 * type's specification (`"or-set/name-tombstones"` to `"or-set"`'s).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedCrdtValue } from "./crdt.ts";
 * const add = { id: 1, replica: "a", timeMs: 0, op: { type: "add", element: "x" }, observed: [] };
 * const remove = { id: 2, replica: "b", timeMs: 0, op: { type: "remove", element: "x" }, observed: [] };
 * assert.deepEqual(expectedCrdtValue("or-set", [add, remove]), ["x"]); // concurrent: add wins
 * assert.deepEqual(expectedCrdtValue("or-set", [add, { ...remove, observed: [1] }]), []);
 * ```
 */
export function expectedCrdtValue(typeName: string, updates: readonly CrdtUpdateRecord[]): unknown {
  const base = typeName.split("/")[0];
  const by = (u: CrdtUpdateRecord) => (u.op.by as number | undefined) ?? 1;
  const elementsWhere = (keep: (element: string) => boolean) =>
    [...new Set(updates.map((u) => u.op.element as string))].filter(keep).sort();
  switch (base) {
    case "g-counter":
    case "pn-counter":
      return updates.reduce((s, u) => s + (u.op.type === "decrement" ? -by(u) : by(u)), 0);
    case "g-set":
      return elementsWhere(() => true);
    case "2p-set": {
      const byId = new Map(updates.map((u) => [u.id, u]));
      const sawAdd = (r: CrdtUpdateRecord) =>
        r.observed.some((o) =>
          byId.get(o)?.op.type === "add" && byId.get(o)?.op.element === r.op.element
        );
      return elementsWhere((e) =>
        updates.some((u) => u.op.type === "add" && u.op.element === e) &&
        !updates.some((u) => u.op.type === "remove" && u.op.element === e && sawAdd(u))
      );
    }
    case "or-set": {
      const observers = observedBy(updates);
      return elementsWhere((e) =>
        updates.some((u) =>
          u.op.type === "add" && u.op.element === e &&
          !(observers.get(u.id) ?? []).some((r) => r.op.type === "remove" && r.op.element === e)
        )
      );
    }
    case "lww-register":
      return byStamp(updates)?.op.value ?? null;
    case "mv-register": {
      const observers = observedBy(updates);
      return updates.filter((u) => (observers.get(u.id) ?? []).length === 0)
        .map((u) => u.op.value).sort();
    }
    case "lww-map": {
      const out: Record<string, unknown> = {};
      for (const key of [...new Set(updates.map((u) => u.op.key as string))].sort()) {
        const winner = byStamp(updates.filter((u) => u.op.key === key))!;
        if (winner.op.type === "put") out[key] = winner.op.value;
      }
      return out;
    }
    default:
      throw new RangeError(`expectedCrdtValue: no specification for CRDT type "${typeName}"`);
  }
}

/**
 * Compares a replica's value with the specification's, sets and sibling lists as sorted lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtValueMatches } from "./crdt.ts";
 * assert.ok(crdtValueMatches("mv-register", ["b", "a"], ["a", "b"]));
 * ```
 */
export function crdtValueMatches(typeName: string, actual: unknown, expected: unknown): boolean {
  const normal = (v: unknown) =>
    typeName.startsWith("mv-register") && Array.isArray(v) ? [...v].sort() : v;
  return crdtStateKey(normal(actual)) === crdtStateKey(normal(expected));
}

/**
 * Writes of an LWW type that lost to a write they had observed: their stamp is smaller than
 * that of an earlier write they causally follow (same key for a map). With hybrid logical
 * clocks there are none; with physical clocks a writer whose clock is behind loses its writes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lwwLostWrites } from "./crdt.ts";
 * const first = { id: 1, replica: "a", timeMs: 0, observed: [], op: { type: "assign", value: 1, stamp: { l: 100, c: 0, node: "a" } } };
 * const later = { id: 2, replica: "b", timeMs: 9, observed: [1], op: { type: "assign", value: 2, stamp: { l: 40, c: 0, node: "b" } } };
 * assert.deepEqual(lwwLostWrites([first, later]).map((u) => u.id), [2]);
 * ```
 */
export function lwwLostWrites(updates: readonly CrdtUpdateRecord[]): CrdtUpdateRecord[] {
  const byId = new Map(updates.map((u) => [u.id, u]));
  return updates.filter((u) =>
    u.observed.some((o) => {
      const earlier = byId.get(o);
      return earlier !== undefined && earlier.op.key === u.op.key &&
        compareLwwStamps(earlier.op.stamp as LwwStamp, u.op.stamp as LwwStamp) > 0;
    })
  );
}
