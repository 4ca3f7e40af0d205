/**
 * Property checks of a CRDT type with fast-check, returning the shrunk counterexample instead
 * of throwing, so tests, labs and pages can print it:
 *
 * - {@linkcode checkCrdtLaws}: on states reachable by updates and merges at three replicas,
 *   merge is commutative, associative and idempotent, and an update inflates the state
 *   (Shapiro et al. 2011, §2.2, Definition 2.4 and Proposition 2.1: a monotonic
 *   semilattice object converges).
 * - {@linkcode checkCrdtConvergence}: runs replicas on the kernel's simulation under random
 *   delivery order, duplication, loss with retransmission and partitions, and checks strong
 *   convergence and the type's specification ({@linkcode runCrdtCluster}).
 *
 * Each failure carries `{seed, path}`: pass them back (`{ seed, path }` options) to replay it.
 *
 * @module
 */

import fc from "fast-check";
import type { LwwStamp } from "../../clocks/mod.ts";
import { type AnyCrdtType, crdtStateKey, randomCrdtOp } from "../../crdt/mod.ts";
import { Random } from "../../sim/mod.ts";
import { runCrdtCluster } from "./crdt_run.ts";

/** Options of the checks. */
export interface CrdtCheckOptions {
  /** fast-check seed. @default 1 */
  seed?: number;
  /** Cases to try. @default 200 for the laws, 25 for convergence */
  numRuns?: number;
  /** Replays one failure's path. */
  path?: string;
}

/** A law or property that failed, with its shrunk counterexample. */
export interface CrdtCheckFailure {
  /** Which law or property, e.g. `"idempotence"`. */
  property: string;
  /** What went wrong, as a sentence with the values. */
  message: string;
  /** The shrunk input (actions, or run options). */
  counterexample: unknown;
  seed: number;
  path: string;
}

/** One step of a generated execution: an update at a replica, or a merge between two. */
export type CrdtAction =
  | { kind: "update"; at: number; opSeed: number; clock: number }
  | { kind: "merge"; at: number; from: number };

const actionArbitrary: fc.Arbitrary<CrdtAction> = fc.oneof(
  fc.record({
    kind: fc.constant("update" as const),
    at: fc.integer({ min: 0, max: 2 }),
    opSeed: fc.integer({ min: 0, max: 1_000_000 }),
    clock: fc.integer({ min: 0, max: 20 }),
  }),
  fc.record({
    kind: fc.constant("merge" as const),
    at: fc.integer({ min: 0, max: 2 }),
    from: fc.integer({ min: 0, max: 2 }),
  }),
);

/**
 * Runs actions on three replicas and returns every state they passed through (bottom first).
 * LWW stamps take the action's `clock` as `l` and its position as `c`, so stamps are unique.
 */
export function reachableCrdtStates(type: AnyCrdtType, actions: readonly CrdtAction[]): unknown[] {
  const replicas = ["r1", "r2", "r3"];
  const states: unknown[] = replicas.map(() => type.initial());
  const seen: unknown[] = [type.initial()];
  actions.forEach((action, step) => {
    if (action.kind === "update") {
      const stamp: LwwStamp = { l: action.clock, c: step, node: replicas[action.at] };
      const op = randomCrdtOp(type.name, new Random(action.opSeed), stamp);
      const delta = type.mutate(states[action.at], op, replicas[action.at]);
      states[action.at] = type.merge(states[action.at], delta);
    } else {
      states[action.at] = type.merge(states[action.at], states[action.from]);
    }
    seen.push(states[action.at]);
  });
  return seen;
}

const same = (a: unknown, b: unknown) => crdtStateKey(a) === crdtStateKey(b);

/**
 * Checks the semilattice laws and inflation on reachable states.
 *
 * @returns null when every case passed, else the first law broken, shrunk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gCounter, sumMergeCounter } from "../../crdt/mod.ts";
 * import { checkCrdtLaws } from "./crdt_laws.ts";
 * assert.equal(checkCrdtLaws(gCounter(), { numRuns: 50 }), null);
 * assert.equal(checkCrdtLaws(sumMergeCounter(), { numRuns: 50 })?.property, "idempotence");
 * ```
 */
export function checkCrdtLaws(
  type: AnyCrdtType,
  options: CrdtCheckOptions = {},
): CrdtCheckFailure | null {
  const seed = options.seed ?? 1;
  let failure: Omit<CrdtCheckFailure, "seed" | "path"> | null = null;
  const pick = fc.nat();
  const property = fc.property(
    fc.array(actionArbitrary, { maxLength: 12 }),
    pick,
    pick,
    pick,
    (actions, i, j, k) => {
      const states = reachableCrdtStates(type, actions);
      const [a, b, c] = [
        states[i % states.length],
        states[j % states.length],
        states[k % states.length],
      ];
      const show = (s: unknown) => crdtStateKey(s);
      const law = (name: string, ok: boolean, message: string) => {
        if (!ok) failure = { property: name, message, counterexample: { actions, a, b, c } };
        return ok;
      };
      const ab = type.merge(a, b);
      if (
        !law(
          "idempotence",
          same(type.merge(a, a), a),
          `merge(a, a) = ${show(type.merge(a, a))} ≠ a = ${show(a)}`,
        )
      ) {
        return false;
      }
      if (
        !law(
          "commutativity",
          same(ab, type.merge(b, a)),
          `merge(a, b) = ${show(ab)} ≠ merge(b, a) = ${show(type.merge(b, a))}`,
        )
      ) {
        return false;
      }
      const left = type.merge(ab, c), right = type.merge(a, type.merge(b, c));
      if (
        !law(
          "associativity",
          same(left, right),
          `merge(merge(a, b), c) = ${show(left)} ≠ merge(a, merge(b, c)) = ${show(right)}`,
        )
      ) {
        return false;
      }
      return law(
        "inflation",
        same(type.merge(ab, a), ab),
        `merge(a, b) = ${show(ab)} is not above a = ${show(a)}: merging a again changes it`,
      );
    },
  );
  const details = fc.check(property, { seed, numRuns: options.numRuns ?? 200, path: options.path });
  if (!details.failed) return null;
  // The last recorded failure is the shrunk one: fast-check re-runs the property while shrinking.
  const found = failure as Omit<CrdtCheckFailure, "seed" | "path"> | null;
  return {
    ...(found ??
      {
        property: "error",
        message: String(details.errorInstance),
        counterexample: details.counterexample,
      }),
    seed,
    path: details.counterexamplePath ?? "",
  };
}

/** The generated part of a convergence case. */
export interface CrdtConvergenceCase {
  seed: number;
  replicas: number;
  updates: number;
  partitions: number;
  lossProbability: number;
  duplicateProbability: number;
  mode: "delta" | "state";
}

const caseArbitrary: fc.Arbitrary<CrdtConvergenceCase> = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  replicas: fc.integer({ min: 2, max: 5 }),
  updates: fc.integer({ min: 1, max: 40 }),
  partitions: fc.integer({ min: 0, max: 3 }),
  lossProbability: fc.constantFrom(0, 0.1, 0.3),
  duplicateProbability: fc.constantFrom(0, 0.1, 0.3),
  mode: fc.constantFrom("delta" as const, "state" as const),
});

/**
 * Checks strong eventual consistency on simulated replicas: random delivery order (random
 * latencies), duplication, loss repaired by anti-entropy, and partitions that heal.
 *
 * @returns null when every case converged to the specified value, else the shrunk case.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameTombstoneSet, orSet } from "../../crdt/mod.ts";
 * import { checkCrdtConvergence } from "./crdt_laws.ts";
 * assert.equal(checkCrdtConvergence(orSet(), { numRuns: 5 }), null);
 * assert.equal(checkCrdtConvergence(nameTombstoneSet(), { numRuns: 10 })?.property, "specification");
 * ```
 */
export function checkCrdtConvergence(
  type: AnyCrdtType,
  options: CrdtCheckOptions = {},
): CrdtCheckFailure | null {
  const seed = options.seed ?? 1;
  let failure: Omit<CrdtCheckFailure, "seed" | "path"> | null = null;
  const property = fc.property(caseArbitrary, (c) => {
    const run = runCrdtCluster({ ...c, type, updateWindowMs: 500, settleMs: 2000 });
    const first = run.violations[0];
    if (first !== undefined) {
      failure = { property: first.invariant, message: first.message, counterexample: c };
      return false;
    }
    if (!run.converged) {
      failure = {
        property: "convergence",
        message: `replicas did not converge within 2000 ms after the last update or heal`,
        counterexample: c,
      };
      return false;
    }
    return true;
  });
  const details = fc.check(property, { seed, numRuns: options.numRuns ?? 25, path: options.path });
  if (!details.failed) return null;
  const found = failure as Omit<CrdtCheckFailure, "seed" | "path"> | null;
  return {
    ...(found ??
      {
        property: "error",
        message: String(details.errorInstance),
        counterexample: details.counterexample,
      }),
    seed,
    path: details.counterexamplePath ?? "",
  };
}
