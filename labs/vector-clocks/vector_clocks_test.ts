/**
 * Tests for the vector-clocks lab. They run against solution.ts here and against starter.ts
 * in a workshop (`NETSPLIT_LAB_TARGET=starter`). Each property failure prints the smallest
 * execution fast-check found, as a message log, and which invariant it broke.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadLab } from "../_lib/load.ts";
import type { VectorClock, VectorClockLab, VectorOrder } from "./api.ts";
import {
  buildExecution,
  type CausalEvent,
  causalOrder,
  type ExecutionStep,
  renderExecution,
} from "../../src/mod.ts";

const lab = await loadLab<VectorClockLab>(import.meta.url);

const vector: fc.Arbitrary<VectorClock> = fc
  .dictionary(fc.constantFrom("a", "b", "c"), fc.nat({ max: 4 }), { noNullPrototype: true });

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

/** A property to assert (for the lab) or to check quietly (for the mutation check). */
interface Check {
  assert(): void;
  failed(): boolean;
}

function check<T extends [unknown, ...unknown[]]>(property: fc.IProperty<T>): Check {
  return { assert: () => fc.assert(property), failed: () => fc.check(property).failed };
}

/** The laws and the causality property, as checks over an implementation. */
function properties(impl: VectorClockLab): Record<string, Check> {
  return {
    "merge is commutative": check(fc.property(vector, vector, (x, y) => {
      assert.deepEqual(
        impl.compare(impl.merge(x, y), impl.merge(y, x)),
        "equal",
        `merge(${show(x)}, ${show(y)}) and merge(${show(y)}, ${show(x)}) differ: ` +
          `the order in which two nodes learn from each other must not matter`,
      );
    })),
    "merge is an upper bound of both arguments": check(fc.property(vector, vector, (x, y) => {
      const m = impl.merge(x, y);
      for (const [name, v] of [["first", x], ["second", y]] as const) {
        assert.ok(
          ["after", "equal"].includes(impl.compare(m, v)),
          `merge(${show(x)}, ${show(y)}) = ${show(m)} knows less than its ${name} argument ` +
            `${show(v)}: a merge must never forget an event`,
        );
      }
    })),
    "merge is idempotent": check(fc.property(vector, (x) => {
      assert.equal(
        impl.compare(impl.merge(x, x), x),
        "equal",
        `merge(${show(x)}, itself) must be ${show(x)}`,
      );
    })),
    "compare is antisymmetric": check(fc.property(vector, vector, (x, y) => {
      const mirror = { before: "after", after: "before", equal: "equal", concurrent: "concurrent" };
      const forward = impl.compare(x, y);
      assert.equal(
        impl.compare(y, x),
        mirror[forward],
        `compare(${show(x)}, ${show(y)}) = "${forward}", so compare(${show(y)}, ${
          show(x)
        }) must be "${mirror[forward]}"`,
      );
    })),
    "vector clocks characterise happened-before exactly": check(fc.property(execution, (events) => {
      const violation = causalityViolation(events, impl);
      if (violation !== undefined) throw new Error(violation);
    })),
  };
}

Deno.test("compare: identical vectors are equal", () => {
  assert.equal(lab.compare({ a: 1, b: 2 }, { a: 1, b: 2 }), "equal");
  assert.equal(lab.compare({}, {}), "equal");
});

Deno.test("compare: a missing entry counts as zero", () => {
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
});

Deno.test("compare: ahead on one entry and behind on another is concurrent", () => {
  assert.equal(lab.compare({ a: 2, b: 0 }, { a: 1, b: 1 }), "concurrent");
  assert.equal(lab.compare({ a: 2, b: 1 }, { a: 1, b: 1 }), "after");
});

Deno.test("merge: takes the pointwise maximum, keeping entries only one side has", () => {
  const merged = lab.merge({ a: 3, b: 1 }, { b: 2, c: 1 });
  assert.equal(lab.compare(merged, { a: 3, b: 2, c: 1 }), "equal", `got ${show(merged)}`);
});

Deno.test("merge: leaves its arguments alone", () => {
  const a = { a: 1 };
  const b = { b: 1 };
  lab.merge(a, b);
  assert.deepEqual(
    [a, b],
    [{ a: 1 }, { b: 1 }],
    "merge must return a new vector, not modify an argument",
  );
});

for (const [name, property] of Object.entries(properties(lab))) {
  Deno.test(`Property: ${name}`, () => property.assert());
}

// Mutation check: the properties above must reject each of these plausible mistakes.
const entry = (v: VectorClock, id: string) => v[id] ?? 0;
const broken: Record<string, VectorClockLab> = {
  "merge with min instead of max": {
    compare: (a, b) => reference.compare(a, b),
    merge: (a, b) => {
      const out: Record<string, number> = {};
      for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
        out[id] = Math.min(entry(a, id), entry(b, id));
      }
      return out;
    },
  },
  "merge that keeps the local vector (the receiver learns nothing)": {
    compare: (a, b) => reference.compare(a, b),
    merge: (a) => a,
  },
  "compare that only looks at the first vector's keys": {
    compare: (a, b) => {
      const onlyA = Object.fromEntries(Object.keys(a).map((id) => [id, entry(b, id)]));
      return reference.compare(a, onlyA);
    },
    merge: (a, b) => reference.merge(a, b),
  },
  "compare that never answers concurrent (a total order, like Lamport clocks)": {
    compare: (a, b) => {
      const sum = (v: VectorClock) => Object.values(v).reduce((s, x) => s + x, 0);
      const verdict = reference.compare(a, b);
      if (verdict !== "concurrent") return verdict;
      return sum(a) <= sum(b) ? "before" : "after";
    },
    merge: (a, b) => reference.merge(a, b),
  },
};
const reference = await import("./solution.ts").catch(() => undefined) as VectorClockLab;

Deno.test(
  "The properties reject known-broken vector clocks",
  { ignore: reference === undefined },
  () => {
    for (const [mistake, impl] of Object.entries(broken)) {
      const caught = Object.values(properties(impl)).some((p) => p.failed());
      assert.ok(caught, `no property caught: ${mistake}`);
    }
  },
);
