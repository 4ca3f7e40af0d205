/**
 * The checks the CRDT lab runs, as one function, so the tests and the mutation check
 * (`mutants_test.ts`) share them: fixed examples, then fast-check properties — the semilattice
 * laws on reachable states, and convergence to the specification on the simulator under
 * reordering, duplication, loss and partitions. Each failure is a sentence with the shrunk
 * counterexample and the `{seed, path}` that replays it.
 *
 * @module
 */

import { checkCrdtConvergence, checkCrdtLaws, type CrdtCheckFailure } from "../../src/mod.ts";
import type { LabCheck } from "../_lib/checks.ts";
import type { CounterOp, CrdtLab, CrdtType, SetOp } from "./api.ts";

/** A failed check: its name, and what to print. */
export interface CrdtLabFailure {
  check: string;
  message: string;
}

// deno-lint-ignore no-explicit-any
type AnyType = CrdtType<any, any, any>;

function apply(type: AnyType, state: unknown, op: unknown, replica: string): unknown {
  return type.merge(state, type.mutate(state, op, replica));
}

function describe(failure: CrdtCheckFailure): string {
  return `${failure.property}: ${failure.message}\n  smallest case: ${
    JSON.stringify(failure.counterexample)
  }\n  replay: { seed: ${failure.seed}, path: "${failure.path}" }`;
}

/** Fixed examples for the PN-Counter. */
export function pnCounterExamples(c: CrdtType<unknown, CounterOp, number>): CrdtLabFailure[] {
  const failures: CrdtLabFailure[] = [];
  const a = apply(c, c.initial(), { type: "increment", by: 5 }, "a");
  const b = apply(c, apply(c, c.initial(), { type: "decrement", by: 2 }, "b"), {
    type: "increment",
  }, "b");
  const got = c.value(c.merge(a, b));
  if (got !== 4) {
    failures.push({
      check: "pn-counter example",
      message: `a: +5; b: -2 then +1; merged value should be 4, got ${got}`,
    });
  }
  const back = apply(c, a, { type: "decrement", by: 5 }, "a");
  const merged = c.value(c.merge(back, a));
  if (merged !== 0) {
    failures.push({
      check: "pn-counter example",
      message: `a: +5 then -5, merged with its own older state: value should be 0, got ${merged} ` +
        `(does a decrement make an entry smaller, so that merge's maximum undoes it?)`,
    });
  }
  // Replica ids are any strings; one named like an Object.prototype member must count from 0.
  const proto = c.value(apply(c, c.initial(), { type: "increment", by: 2 }, "constructor"));
  if (proto !== 2) {
    failures.push({
      check: "pn-counter example",
      message: `replica "constructor" increments by 2 from the initial state: value should be 2, ` +
        `got ${
          JSON.stringify(proto)
        } (does \`counts[replica] ?? 0\` find Object.prototype's member?)`,
    });
  }
  return failures;
}

/** Fixed examples for the OR-Set. */
export function orSetExamples(o: CrdtType<unknown, SetOp, string[]>): CrdtLabFailure[] {
  const failures: CrdtLabFailure[] = [];
  const base = apply(o, o.initial(), { type: "add", element: "x" }, "a");
  const added = apply(o, base, { type: "add", element: "x" }, "a");
  const removed = apply(o, base, { type: "remove", element: "x" }, "b");
  const merged = o.value(o.merge(added, removed));
  if (JSON.stringify(merged) !== '["x"]') {
    failures.push({
      check: "or-set example",
      message: `a adds x again while b removes the x it saw: add wins, so ["x"]; got ${
        JSON.stringify(merged)
      }`,
    });
  }
  const gone = o.value(o.merge(base, removed));
  if (JSON.stringify(gone) !== "[]") {
    failures.push({
      check: "or-set example",
      message: `b removed the x it saw and nobody re-added it: [] expected, got ${
        JSON.stringify(gone)
      }`,
    });
  }
  const readded = apply(o, o.merge(base, removed), { type: "add", element: "x" }, "b");
  const back = o.value(o.merge(readded, base));
  if (JSON.stringify(back) !== '["x"]') {
    failures.push({
      check: "or-set example",
      message: `after a remove, b adds x again: ["x"] expected, got ${JSON.stringify(back)} ` +
        `(does the new add get a tag the remove already covered?)`,
    });
  }
  // A remove of an element this replica never saw changes nothing, whatever its name.
  const never = o.value(apply(o, o.initial(), { type: "remove", element: "constructor" }, "b"));
  if (JSON.stringify(never) !== "[]") {
    failures.push({
      check: "or-set example",
      message: `b removes "constructor", which it never saw: [] expected, got ${
        JSON.stringify(never)
      }`,
    });
  }
  const proto = apply(o, apply(o, o.initial(), { type: "add", element: "constructor" }, "a"), {
    type: "remove",
    element: "constructor",
  }, "a");
  const protoValue = o.value(proto);
  if (JSON.stringify(protoValue) !== "[]") {
    failures.push({
      check: "or-set example",
      message:
        `a adds "constructor" and removes it: [] expected, got ${JSON.stringify(protoValue)} ` +
        `(elements are any strings: does a lookup in a plain object find Object.prototype's member?)`,
    });
  }
  return failures;
}

/** Every check on one type: its name, examples, the laws, then convergence. */
export function crdtLabFailures(
  type: AnyType,
  expectedName: "pn-counter" | "or-set",
  options: { numRuns?: number } = {},
): CrdtLabFailure[] {
  if (type.name !== expectedName) {
    return [{ check: "name", message: `name must be "${expectedName}", got "${type.name}"` }];
  }
  const failures = expectedName === "pn-counter" ? pnCounterExamples(type) : orSetExamples(type);
  const laws = checkCrdtLaws(type, { seed: 1, numRuns: options.numRuns ?? 200 });
  if (laws !== null) failures.push({ check: "semilattice laws", message: describe(laws) });
  const converge = checkCrdtConvergence(type, {
    seed: 1,
    numRuns: Math.ceil((options.numRuns ?? 200) / 10),
  });
  if (converge !== null) failures.push({ check: "convergence", message: describe(converge) });
  return failures;
}

function throwIf(failures: readonly CrdtLabFailure[]): void {
  if (failures.length > 0) throw new Error(failures.map((f) => f.message).join("\n"));
}

function lawsCheck(type: AnyType): void {
  const laws = checkCrdtLaws(type, { seed: 1, numRuns: 200 });
  if (laws !== null) throw new Error(describe(laws));
}

function convergenceCheck(type: AnyType): void {
  const converge = checkCrdtConvergence(type, { seed: 1, numRuns: 20 });
  if (converge !== null) throw new Error(describe(converge));
}

function named(type: AnyType, expected: string): void {
  if (type.name !== expected) throw new Error(`name must be "${expected}", got "${type.name}"`);
}

/** The lab's checks, in the order they run: per type, examples, then the laws, then convergence. */
export const CRDT_CHECKS: readonly LabCheck<CrdtLab>[] = [
  {
    name: "the PN-Counter is named pn-counter and passes the worked examples",
    run: (lab) => {
      named(lab.pnCounter(), "pn-counter");
      throwIf(pnCounterExamples(lab.pnCounter()));
    },
  },
  {
    name: "the PN-Counter's merge is commutative, associative and idempotent, and updates inflate",
    run: (lab) => lawsCheck(lab.pnCounter()),
  },
  {
    name: "PN-Counter replicas converge to the sum of all updates on a bad network",
    run: (lab) => convergenceCheck(lab.pnCounter()),
  },
  {
    name: "the OR-Set is named or-set and passes the worked examples (add wins)",
    run: (lab) => {
      named(lab.orSet(), "or-set");
      throwIf(orSetExamples(lab.orSet()));
    },
  },
  {
    name: "the OR-Set's merge is commutative, associative and idempotent, and updates inflate",
    run: (lab) => lawsCheck(lab.orSet()),
  },
  {
    name: "OR-Set replicas converge to the add-wins specification on a bad network",
    run: (lab) => convergenceCheck(lab.orSet()),
  },
];
