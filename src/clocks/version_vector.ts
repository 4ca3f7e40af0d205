/**
 * Version vectors: per-replica update counters attached to stored values, so replicas can
 * tell a newer version from a concurrent sibling.
 *
 * Sources: D. S. Parker et al., "Detection of Mutual Inconsistency in Distributed Systems",
 * IEEE TSE 1983 (version vectors and dominance); G. DeCandia et al., "Dynamo", SOSP 2007,
 * §4.4 (a write carries the context it read; versions no other version covers are kept as
 * siblings); N. Preguiça et al., "Dotted Version Vectors", 2012, §3 (each version is a
 * *dot* — one new event `(replica, counter)` — plus the causal context it overwrites).
 *
 * Why dots: with a plain per-replica vector, two blind writes coordinated by the same
 * replica get vectors `{r:5}` and `{r:6}`, so the second "dominates" the first even though
 * its writer never read it — a lost update. Keeping the dot apart from the context fixes it.
 *
 * Guarantees: a write discards exactly the versions its context covers (no lost updates);
 * `siblings` keeps exactly the versions no other version covers. Non-goal: resolving
 * siblings (the application's job), pruning contexts.
 *
 * @module
 */

import { compareVectors, mergeVectors, type VectorClock, vectorClock } from "./vector_clock.ts";

/** A version vector: replica id → number of updates coordinated by that replica seen. */
export type VersionVector = VectorClock;

/** One update event: the `counter`-th write coordinated by `replica`. */
export interface Dot {
  readonly replica: string;
  readonly counter: number;
}

/** A stored value: its own dot plus the context (what its writer had read). */
export interface Versioned<T> {
  readonly value: T;
  readonly dot: Dot;
  readonly context: VersionVector;
}

/**
 * Whether `a` dominates `b`: `a` has seen every update `b` has seen, and at least one more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dominates } from "./version_vector.ts";
 * assert.equal(dominates({ r1: 2 }, { r1: 1 }), true);
 * assert.equal(dominates({ r1: 2 }, { r2: 1 }), false);
 * ```
 */
export function dominates(a: VersionVector, b: VersionVector): boolean {
  return compareVectors(a, b) === "after";
}

/**
 * Whether the knowledge `vector` includes the update `dot`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { covers } from "./version_vector.ts";
 * assert.equal(covers({ r1: 3 }, { replica: "r1", counter: 2 }), true);
 * ```
 */
export function covers(vector: VersionVector, dot: Dot): boolean {
  // Own entries only: a replica named "constructor" must not read Object.prototype's member.
  return (Object.hasOwn(vector, dot.replica) ? vector[dot.replica] : 0) >= dot.counter;
}

/**
 * The plain version vector of a stored value: its context plus its own dot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { versionOf } from "./version_vector.ts";
 * assert.deepEqual(versionOf({ value: 0, dot: { replica: "r2", counter: 1 }, context: { r1: 4 } }),
 *   { r1: 4, r2: 1 });
 * ```
 */
export function versionOf<T>(stored: Versioned<T>): VersionVector {
  return mergeVectors(stored.context, { [stored.dot.replica]: stored.dot.counter });
}

function coveredBy<T>(candidate: Versioned<T>, other: Versioned<T>): boolean {
  return covers(other.context, candidate.dot);
}

/**
 * Keeps the versions no other version covers (sibling detection); duplicates collapse.
 *
 * @param versions Any collection, e.g. the union of two replicas' states.
 * @returns The siblings, ordered by dot for a deterministic result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { siblings } from "./version_vector.ts";
 * const kept = siblings([
 *   { value: "x", dot: { replica: "r1", counter: 1 }, context: {} },
 *   { value: "y", dot: { replica: "r1", counter: 2 }, context: { r1: 1 } },
 *   { value: "z", dot: { replica: "r2", counter: 1 }, context: {} },
 * ]);
 * assert.deepEqual(kept.map((v) => v.value), ["y", "z"]);
 * ```
 */
export function siblings<T>(versions: readonly Versioned<T>[]): Versioned<T>[] {
  const kept = new Map<string, Versioned<T>>();
  for (const candidate of versions) {
    if (versions.some((other) => coveredBy(candidate, other))) continue;
    kept.set(`${candidate.dot.replica}\u0000${candidate.dot.counter}`, candidate);
  }
  return [...kept.values()].sort((x, y) =>
    x.dot.replica === y.dot.replica
      ? x.dot.counter - y.dot.counter
      : x.dot.replica < y.dot.replica
      ? -1
      : 1
  );
}

/**
 * The merge of all siblings' versions: the context a reader passes back with its next write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contextOf } from "./version_vector.ts";
 * assert.deepEqual(
 *   contextOf([{ value: 1, dot: { replica: "r1", counter: 1 }, context: {} },
 *     { value: 2, dot: { replica: "r2", counter: 3 }, context: { r2: 2 } }]),
 *   { r1: 1, r2: 3 },
 * );
 * ```
 */
export function contextOf<T>(stored: readonly Versioned<T>[]): VersionVector {
  return stored.reduce<VersionVector>((acc, s) => mergeVectors(acc, versionOf(s)), vectorClock());
}

/**
 * Writes `value` at `replica` given the writer's `context` (Dynamo §4.4, DVV §3): the new
 * version gets a fresh dot at `replica` and replaces exactly the stored versions the context
 * covers; the others stay as siblings.
 *
 * @param stored The replica's current siblings.
 * @param value The new value.
 * @param options `replica` coordinating the write; `context` read by the writer
 *   (@default `contextOf(stored)`: a read-modify-write at this replica).
 * @returns The replica's new siblings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { putVersioned } from "./version_vector.ts";
 * const first = putVersioned<string>([], "a", { replica: "r1" });
 * const blind = putVersioned(first, "b", { replica: "r1", context: {} });
 * assert.equal(blind.length, 2); // a blind write becomes a sibling, not an overwrite
 * assert.equal(putVersioned(blind, "c", { replica: "r1" }).length, 1);
 * ```
 */
export function putVersioned<T>(
  stored: readonly Versioned<T>[],
  value: T,
  options: { replica: string; context?: VersionVector },
): Versioned<T>[] {
  const context = vectorClock({ ...(options.context ?? contextOf(stored)) });
  const known = mergeVectors(contextOf(stored), context);
  const counter = Object.hasOwn(known, options.replica) ? known[options.replica] : 0;
  const dot = { replica: options.replica, counter: counter + 1 };
  const kept = stored.filter((s) => !covers(context, s.dot));
  return siblings([...kept, { value, dot, context }]);
}

/**
 * Anti-entropy merge of two replicas' siblings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeVersioned } from "./version_vector.ts";
 * const merged = mergeVersioned(
 *   [{ value: "a", dot: { replica: "r1", counter: 1 }, context: {} }],
 *   [{ value: "b", dot: { replica: "r1", counter: 2 }, context: { r1: 1 } }],
 * );
 * assert.deepEqual(merged.map((v) => v.value), ["b"]);
 * ```
 */
export function mergeVersioned<T>(
  a: readonly Versioned<T>[],
  b: readonly Versioned<T>[],
): Versioned<T>[] {
  return siblings([...a, ...b]);
}
