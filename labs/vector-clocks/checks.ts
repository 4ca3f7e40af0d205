/**
 * The vector-clocks lab's checks, in the order they run: small examples (node ids named like
 * members of Object.prototype included), then seeded properties — the laws of merge and
 * compare, and that your clocks characterise happened-before exactly on generated
 * executions. Each property failure prints the smallest execution fast-check found and the
 * `replay: {"seed":…,"path":"…"}` line. Shared by the lab's test and its mutation battery.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { LabCheck } from "../_lib/checks.ts";
import { checkLabProperty } from "../_lib/property.ts";
import type { VectorClock, VectorClockLab, VectorOrder } from "./api.ts";
import {
  buildExecution,
  type CausalEvent,
  causalOrder,
  type ExecutionStep,
  renderExecution,
} from "../../src/mod.ts";

/** The properties' seed and number of runs (each property gets seed + its position). */
export const VECTOR_PROPERTY = { seed: 1989, numRuns: 200 } as const;

/**
 * Vectors over a few ordinary node ids and a few named like members of Object.prototype: a
 * vector kept in a plain object must treat `toString` or `__proto__` as just another node.
 * Built with fromEntries, so that `__proto__` is an own key like the others.
 */
const vector: fc.Arbitrary<VectorClock> = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom("a", "b", "c", "toString", "__proto__", "constructor", "valueOf"),
      fc.nat({ max: 4 }),
    ),
    { selector: ([id]) => id, maxLength: 4 },
  )
  .map((entries) => Object.fromEntries(entries));

const execution: fc.Arbitrary<CausalEvent[]> = fc.tuple(
  fc.integer({ min: 2, max: 4 }),
  fc.array(
    fc.record({
      node: fc.nat({ max: 3 }),
      kind: fc.constantFrom("local", "send", "deliver", "deliver"),
      target: fc.nat({ max: 3 }),
    }) as fc.Arbitrary<ExecutionStep>,
    { maxLength: 25 },
  ),
).map(([nodes, steps]) => buildExecution(steps, nodes));

const show = (v: VectorClock) => JSON.stringify(v);

/** Runs vector clocks on an execution: tick own entry on every event, merge on receive. */
function stamp(events: readonly CausalEvent[], impl: VectorClockLab): VectorClock[] {
  const state = new Map<string, VectorClock>();
  const carried = new Map<string, VectorClock>();
  return events.map((e) => {
    let v = state.get(e.node) ?? {};
    if (e.kind === "receive") v = impl.merge(v, carried.get(e.messageId!)!);
    v = { ...v, [e.node]: (v[e.node] ?? 0) + 1 };
    if (e.kind === "send") carried.set(e.messageId!, v);
    state.set(e.node, v);
    return v;
  });
}

/** The first pair whose comparison disagrees with happened-before, explained; or undefined. */
function causalityViolation(events: readonly CausalEvent[], impl: VectorClockLab) {
  const order = causalOrder(events);
  const stamps = stamp(events, impl);
  for (let i = 0; i < events.length; i++) {
    for (let j = 0; j < events.length; j++) {
      const truth: VectorOrder = order.relation(i, j);
      const claimed = impl.compare(stamps[i], stamps[j]);
      if (claimed !== truth) {
        const words = truth === "concurrent"
          ? "are concurrent (neither could have influenced the other)"
          : truth === "equal"
          ? "are the same event"
          : `are ordered: #${truth === "before" ? i : j} happened before #${
            truth === "before" ? j : i
          }`;
        return `Invariant violated: vector clocks must characterise happened-before exactly.\n` +
          `Events #${i} and #${j} ${words}, but compare(${show(stamps[i])}, ${
            show(stamps[j])
          }) returned "${claimed}" (expected "${truth}").\n` +
          `Execution, with the vector of each event:\n` +
          renderExecution(events, stamps.map(show), Math.max(i, j));
      }
    }
  }
  return undefined;
}

/** The laws and the causality property, as checks over an implementation. */
function properties(impl: VectorClockLab): Record<string, fc.IProperty<[unknown, ...unknown[]]>> {
  return {
    "merge is commutative": fc.property(vector, vector, (x, y) => {
      assert.deepEqual(
        impl.compare(impl.merge(x, y), impl.merge(y, x)),
        "equal",
        `merge(${show(x)}, ${show(y)}) and merge(${show(y)}, ${show(x)}) differ: ` +
          `the order in which two nodes learn from each other must not matter`,
      );
    }),
    "merge is an upper bound of both arguments": fc.property(vector, vector, (x, y) => {
      const m = impl.merge(x, y);
      for (const [name, v] of [["first", x], ["second", y]] as const) {
        assert.ok(
          ["after", "equal"].includes(impl.compare(m, v)),
          `merge(${show(x)}, ${show(y)}) = ${show(m)} knows less than its ${name} argument ` +
            `${show(v)}: a merge must never forget an event`,
        );
      }
    }),
    "merge is idempotent": fc.property(vector, (x) => {
      assert.equal(
        impl.compare(impl.merge(x, x), x),
        "equal",
        `merge(${show(x)}, itself) must be ${show(x)}`,
      );
    }),
    "compare is antisymmetric": fc.property(vector, vector, (x, y) => {
      const mirror = { before: "after", after: "before", equal: "equal", concurrent: "concurrent" };
      const forward = impl.compare(x, y);
      assert.equal(
        impl.compare(y, x),
        mirror[forward],
        `compare(${show(x)}, ${show(y)}) = "${forward}", so compare(${show(y)}, ${
          show(x)
        }) must be "${mirror[forward]}"`,
      );
    }),
    "vector clocks characterise happened-before exactly": fc.property(execution, (events) => {
      const violation = causalityViolation(events, impl);
      if (violation !== undefined) throw new Error(violation);
    }),
  };
}

const cases = (name: string, run: (lab: VectorClockLab) => void): LabCheck<VectorClockLab> => ({
  name,
  run,
});

/** The checks. */
export const VECTOR_CHECKS: readonly LabCheck<VectorClockLab>[] = [
  cases("compare: identical vectors are equal", (lab) => {
    assert.equal(lab.compare({ a: 1, b: 2 }, { a: 1, b: 2 }), "equal");
    assert.equal(lab.compare({}, {}), "equal");
  }),
  cases("compare: a missing entry counts as zero", (lab) => {
    assert.equal(
      lab.compare({ a: 1 }, { a: 1, b: 0 }),
      "equal",
      "{a:1} and {a:1,b:0} are the same vector",
    );
    assert.equal(
      lab.compare({ a: 1 }, { a: 1, b: 1 }),
      "before",
      "b's entry is 0 on the left, 1 on the right",
    );
    assert.equal(
      lab.compare({ b: 1 }, { a: 1 }),
      "concurrent",
      "each knows an event the other does not",
    );
  }),
  cases("compare: ahead on one entry and behind on another is concurrent", (lab) => {
    assert.equal(lab.compare({ a: 2, b: 0 }, { a: 1, b: 1 }), "concurrent");
    assert.equal(lab.compare({ a: 2, b: 1 }, { a: 1, b: 1 }), "after");
  }),
  cases("merge: takes the pointwise maximum, keeping entries only one side has", (lab) => {
    const merged = lab.merge({ a: 3, b: 1 }, { b: 2, c: 1 });
    assert.equal(lab.compare(merged, { a: 3, b: 2, c: 1 }), "equal", `got ${show(merged)}`);
  }),
  cases("merge: leaves its arguments alone", (lab) => {
    const a = { a: 1 };
    const b = { b: 1 };
    lab.merge(a, b);
    assert.deepEqual(
      [a, b],
      [{ a: 1 }, { b: 1 }],
      "merge must return a new vector, not modify an argument",
    );
  }),
  cases("compare and merge treat node ids named like Object.prototype members as nodes", (lab) => {
    const named = (id: string, n: number) => Object.fromEntries([[id, n]]);
    for (const id of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      assert.equal(lab.compare(named(id, 1), {}), "after", `node "${id}": 1 against a missing 0`);
      assert.equal(lab.compare({}, named(id, 1)), "before", `node "${id}": missing 0 against 1`);
      const merged = lab.merge(named(id, 2), { a: 1 });
      assert.ok(Object.hasOwn(merged, id), `merge lost node "${id}": ${JSON.stringify(merged)}`);
      assert.equal(merged[id], 2, `merge of node "${id}"`);
    }
  }),
  ...[
    "merge is commutative",
    "merge is an upper bound of both arguments",
    "merge is idempotent",
    "compare is antisymmetric",
    "vector clocks characterise happened-before exactly",
  ].map(
    (name, i): LabCheck<VectorClockLab> => ({
      name: `Property: ${name}`,
      run: (lab) =>
        checkLabProperty(properties(lab)[name], {
          seed: VECTOR_PROPERTY.seed + i,
          numRuns: VECTOR_PROPERTY.numRuns,
        }),
    }),
  ),
];
