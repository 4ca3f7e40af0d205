/**
 * The shape every CRDT here has: a join-semilattice of states with a merge (the join), and
 * delta-mutators that return a small state (a delta) rather than the whole new state
 * (Almeida, Shoker & Baquero, "Delta State Replicated Data Types", 2018, §3: `m(X) = X ⊔
 * mδ(X)`). A replica applies its own delta by merging it; shipping the delta instead of the
 * state is the delta-state variant, shipping the whole state is the classic state-based one
 * (Shapiro et al., "A comprehensive study of CRDTs", 2011, §2.2).
 *
 * Guarantees asked of every type (checked by the property tests): merge is commutative,
 * associative and idempotent, and `m(X) = X ⊔ mδ(X)` inflates X. Together these give strong
 * eventual consistency: replicas that received the same updates, in any order, any number of
 * times, are equal (Shapiro et al. 2011, Proposition 2.1 and Theorem 2.1).
 *
 * @module
 */

/** A replica's name. */
export type ReplicaId = string;

/** A CRDT type: states `S`, operations `O`, and the value `V` a reader sees. */
export interface CrdtType<S, O, V> {
  /** The type's name, e.g. `"g-counter"`; broken variants add a suffix (`"g-counter/sum-merge"`). */
  readonly name: string;
  /** The bottom element: a fresh replica's state. */
  initial(): S;
  /** The delta-mutator: the delta that `op` at `replica` adds to `state`. */
  mutate(state: S, op: O, replica: ReplicaId): S;
  /** The join of two states. */
  merge(a: S, b: S): S;
  /** What a reader of the state sees. */
  value(state: S): V;
}

/** States, operations and values of any CRDT, for code that handles them all alike. */
// deno-lint-ignore no-explicit-any
export type AnyCrdtType = CrdtType<any, any, any>;

/**
 * Applies an operation at a replica: computes the delta and merges it into the state.
 *
 * @returns The new state and the delta to ship to other replicas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, gCounter } from "./mod.ts";
 * const type = gCounter();
 * const { state, delta } = applyCrdtOp(type, type.initial(), { type: "increment", by: 2 }, "a");
 * assert.equal(type.value(state), 2);
 * assert.deepEqual(delta, { a: 2 });
 * ```
 */
export function applyCrdtOp<S, O, V>(
  type: CrdtType<S, O, V>,
  state: S,
  op: O,
  replica: ReplicaId,
): { state: S; delta: S } {
  const delta = type.mutate(state, op, replica);
  return { state: type.merge(state, delta), delta };
}

/**
 * A canonical JSON text of a state (object keys sorted), so two states are equal exactly
 * when their keys are. Used to compare replicas and to measure state size in bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtStateKey } from "./types.ts";
 * assert.equal(crdtStateKey({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
 * ```
 */
export function crdtStateKey(state: unknown): string {
  return JSON.stringify(
    state,
    (_key, value) =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]))
        : value,
  );
}

/** Throws a RangeError naming the type and operation when `op` is malformed. */
export function badCrdtOp(typeName: string, op: unknown): never {
  throw new RangeError(`${typeName}: unknown or malformed operation ${JSON.stringify(op)}`);
}
