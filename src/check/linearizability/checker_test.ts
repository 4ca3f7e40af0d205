import assert from "node:assert/strict";
import fc from "fast-check";
import type { HistoryEvent, HistoryFunction, JsonValue } from "./history.ts";
import { checkHistory, type Verdict } from "./checker.ts";
import { bruteForceLinearizable } from "./brute_force.ts";
import { generateHistory } from "./generate.ts";
import { generateKvHistory } from "./generate_kv.ts";
import { Random } from "../../sim/random.ts";
import { pairOperations } from "./history.ts";
import { RegisterModel } from "./model.ts";
import { frontierSearch } from "./frontier.ts";
import { searchLinearization } from "./depth_first.ts";
import type { OpEvent } from "../../sim/types.ts";

type Type = HistoryEvent["type"];
/** `e(process, type, f, value?, key?)`: one event on key "x" unless told otherwise. */
function e(
  process: number,
  type: Type,
  f: HistoryFunction,
  value?: JsonValue,
  key: string | null = "x",
): HistoryEvent {
  const event: HistoryEvent = { process, type, f };
  if (key !== null) event.key = key;
  if (value !== undefined) event.value = value;
  return event;
}

function verdict(events: HistoryEvent[]): Verdict {
  const result = checkHistory(events);
  // Every hand-written history is also checked by the naive search.
  assert.equal(result.verdict === "linearizable", bruteForceLinearizable(events));
  return result.verdict;
}

Deno.test("a sequential write then read is linearizable", () => {
  assert.equal(
    verdict([
      e(1, "invoke", "write", 1),
      e(1, "ok", "write", 1),
      e(2, "invoke", "read"),
      e(2, "ok", "read", 1),
    ]),
    "linearizable",
  );
});

Deno.test("a stale read after a completed overwrite is not linearizable", () => {
  const events = [
    e(1, "invoke", "write", 1),
    e(1, "ok", "write", 1),
    e(2, "invoke", "write", 2),
    e(2, "ok", "write", 2),
    e(3, "invoke", "read"),
    e(3, "ok", "read", 1),
  ];
  assert.equal(verdict(events), "not-linearizable");
});

Deno.test("a read that sees the new value followed by one that sees the old is not linearizable", () => {
  const events = [
    e(1, "invoke", "write", 1),
    e(1, "ok", "write", 1),
    e(2, "invoke", "write", 2),
    e(3, "invoke", "read"),
    e(3, "ok", "read", 2),
    e(4, "invoke", "read"),
    e(4, "ok", "read", 1),
    e(2, "ok", "write", 2),
  ];
  assert.equal(verdict(events), "not-linearizable");
  const violation = checkHistory(events).violation!;
  assert.equal(violation.prefixLength, 7);
  assert.equal(violation.culprit.label, "r(x)=1");
  assert.deepEqual(violation.valuesAtCulprit, [2]);
  assert.deepEqual(violation.preceding.map((op) => op.label), ["r(x)=2"]);
  assert.deepEqual(violation.concurrent.map((op) => op.label), ["w(x,2) ?"]);
  assert.deepEqual(violation.writers.map((op) => op.label), ["w(x,1)"]);
  assert.match(violation.text, /Minimal non-linearizable prefix: lines 1–7/);
  assert.match(violation.text, /r\(x\)=1 by process 4 \(lines 6–7\)/);
  const culprit = violation.timeline.operations.find((op) => op.role === "culprit");
  assert.equal(culprit?.label, "r(x)=1");
});

Deno.test("the same two reads overlapping each other are linearizable", () => {
  const events = [
    e(1, "invoke", "write", 1),
    e(1, "ok", "write", 1),
    e(2, "invoke", "write", 2),
    e(3, "invoke", "read"),
    e(4, "invoke", "read"),
    e(3, "ok", "read", 2),
    e(4, "ok", "read", 1),
    e(2, "ok", "write", 2),
  ];
  assert.equal(verdict(events), "linearizable");
});

Deno.test("an unknown write must be assumed to take effect when a read saw it", () => {
  const events = [
    e(1, "invoke", "write", 7),
    e(1, "info", "write"),
    e(2, "invoke", "read"),
    e(2, "ok", "read", null),
    e(2, "invoke", "read"),
    e(2, "ok", "read", 7),
  ];
  // It took effect after the first read, long after its info completion.
  assert.equal(verdict(events), "linearizable");
});

Deno.test("an unknown write may be dropped, but takes effect at most once", () => {
  const base = [e(1, "invoke", "write", 1), e(1, "ok", "write", 1), e(2, "invoke", "write", 2)];
  const read = (process: number, value: JsonValue) => [
    e(process, "invoke", "read"),
    e(process, "ok", "read", value),
  ];
  assert.equal(verdict([...base, e(2, "info", "write"), ...read(3, 1)]), "linearizable");
  assert.equal(verdict([...base, ...read(3, 1)]), "linearizable"); // never completed
  assert.equal(
    verdict([...base, e(2, "info", "write"), ...read(3, 2), ...read(3, 1)]),
    "not-linearizable",
  );
});

Deno.test("a failed write never takes effect", () => {
  const events = [
    e(1, "invoke", "write", 1),
    e(1, "fail", "write", 1),
    e(2, "invoke", "read"),
    e(2, "ok", "read", 1),
  ];
  assert.equal(verdict(events), "not-linearizable");
});

Deno.test("a failed cas is an observation that the value differed from the expected one", () => {
  const write = [e(1, "invoke", "write", 1), e(1, "ok", "write", 1)];
  const failedCas = [e(2, "invoke", "cas", [1, 2]), e(2, "fail", "cas", [1, 2])];
  assert.equal(verdict([...write, ...failedCas]), "not-linearizable");
  // Overlapping the write, it can take effect before it, when the value was still null.
  assert.equal(
    verdict([e(1, "invoke", "write", 1), ...failedCas, e(1, "ok", "write", 1)]),
    "linearizable",
  );
  // And a failed cas does not change the value.
  assert.equal(
    verdict([
      e(2, "invoke", "cas", [null, 2]),
      e(2, "fail", "cas", [null, 2]),
    ]),
    "not-linearizable",
  );
});

Deno.test("an unknown cas can only take effect when the expected value is there", () => {
  const read3 = [e(3, "invoke", "read"), e(3, "ok", "read", 3)];
  assert.equal(
    verdict([e(2, "invoke", "cas", [null, 3]), e(2, "info", "cas"), ...read3]),
    "linearizable",
  );
  const write1 = [e(1, "invoke", "write", 1), e(1, "ok", "write", 1)];
  assert.equal(
    verdict([...write1, e(2, "invoke", "cas", [null, 3]), e(2, "info", "cas"), ...read3]),
    "not-linearizable",
  );
});

Deno.test("concurrent appends are ordered by a later read, and later reads must agree", () => {
  const appends = [
    e(1, "invoke", "append", "a"),
    e(2, "invoke", "append", "b"),
    e(1, "ok", "append", "a"),
    e(2, "ok", "append", "b"),
    e(3, "invoke", "read"),
    e(3, "ok", "read", "ba"),
  ];
  assert.equal(verdict(appends), "linearizable");
  assert.equal(
    verdict([...appends, e(3, "invoke", "read"), e(3, "ok", "read", "ab")]),
    "not-linearizable",
  );
  assert.equal(
    verdict([...appends, e(3, "invoke", "read"), e(3, "ok", "read", "bac")]),
    "not-linearizable",
  );
});

Deno.test("an append to a number cannot take effect", () => {
  const events = [
    e(1, "invoke", "write", 1),
    e(1, "ok", "write", 1),
    e(1, "invoke", "append", "a"),
    e(1, "ok", "append", "a"),
  ];
  assert.equal(verdict(events), "not-linearizable");
});

Deno.test("keys are independent registers that all start as null", () => {
  const events = [
    e(1, "invoke", "write", 1, "x"),
    e(1, "ok", "write", 1, "x"),
    e(2, "invoke", "read", undefined, "y"),
    e(2, "ok", "read", null, "y"),
    e(2, "invoke", "read", undefined, "x"),
    e(2, "ok", "read", 1, "x"),
  ];
  const result = checkHistory(events, { model: "kv" });
  assert.equal(result.verdict, "linearizable");
  assert.deepEqual(result.keys.map((k) => [k.key, k.operations]), [["x", 2], ["y", 1]]);
  // The same reads on a single register are not linearizable.
  const single = events.map(({ key: _key, ...rest }) => rest);
  assert.equal(verdict(single), "not-linearizable");
});

Deno.test("reads that failed or have an unknown result constrain nothing", () => {
  const events = [
    e(1, "invoke", "read"),
    e(1, "fail", "read"),
    e(1, "invoke", "read"),
    e(1, "info", "read"),
    e(2, "invoke", "read"),
  ];
  assert.equal(verdict(events), "linearizable");
});

Deno.test("checkHistory with checkAllKeys reports the failing key by minimal prefix and the others", () => {
  const bad = (key: string, process: number) => [
    e(process, "invoke", "read", undefined, key),
    e(process, "ok", "read", 5, key),
  ];
  const result = checkHistory([...bad("a", 1), ...bad("b", 2)], { checkAllKeys: true });
  assert.equal(result.violation?.key, "a");
  assert.deepEqual(result.violation?.otherFailingKeys, ["b"]);
  assert.equal(result.violation?.prefixLength, 2);
});

Deno.test("a refuted key stops the run and the keys not yet decided are reported unchecked", () => {
  const events = [
    e(1, "invoke", "read", undefined, "a"),
    e(1, "ok", "read", 5, "a"),
    e(2, "invoke", "read", undefined, "b"),
    e(2, "ok", "read", 7, "b"),
    e(3, "invoke", "write", 1, "c"),
    e(3, "ok", "write", 1, "c"),
  ];
  const result = checkHistory(events);
  assert.equal(result.verdict, "not-linearizable");
  assert.deepEqual(result.keys.map((k) => [k.key, k.verdict, k.statesExplored]), [
    ["a", "not-linearizable", result.keys[0].statesExplored],
    ["b", "unchecked", 0],
    ["c", "unchecked", 0],
  ]);
  assert.deepEqual(result.violation?.otherFailingKeys, []);
});

Deno.test("a hard key does not hold up a refutation on a later key", () => {
  // Key "2" alone takes millions of states (many concurrent appends with unknown outcomes);
  // key "0" is refuted in the first, cheap round, so the run stops long before that.
  const events = generateKvHistory(new Random(1), { operations: 3000, corruptKeys: ["0", "2"] });
  const result = checkHistory(events, { model: "kv", explain: false });
  assert.equal(result.verdict, "not-linearizable");
  assert.ok(result.statesExplored < 200_000, `${result.statesExplored} states`);
  const refuted = result.keys.filter((k) => k.verdict === "not-linearizable").map((k) => k.key);
  assert.deepEqual(refuted, ["0"]);
});

Deno.test("a key left unknown never lets the history be called linearizable", () => {
  // Small budgets leave some keys unknown; whatever is decided must agree with a large budget.
  const seed = 20261202;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1, max: 400 }), (s, max) => {
      const events = generateKvHistory(new Random(s), {
        operations: 60,
        clients: 6,
        keys: 3,
        infoProbability: 0.2,
        corruptKeys: s % 2 === 0 ? ["1"] : [],
      });
      const small = checkHistory(events, { model: "kv", maxStates: max, explain: false });
      const large = checkHistory(events, { model: "kv", explain: false, checkAllKeys: true });
      assert.notEqual(large.verdict, "unknown");
      if (small.keys.some((k) => k.verdict === "unknown")) {
        assert.notEqual(small.verdict, "linearizable");
      }
      if (small.verdict !== "unknown") assert.equal(small.verdict, large.verdict);
      small.keys.forEach((k, i) => {
        if (k.verdict !== "unknown" && k.verdict !== "unchecked") {
          assert.equal(k.verdict, large.keys[i].verdict, `key ${k.key}`);
        }
      });
    }),
    { seed, numRuns: 200 },
  );
});

Deno.test("checkHistory gives up with unknown when the state budget is exceeded", () => {
  const events = generateHistory(new Random(3), { operations: 200, processes: 6 });
  const result = checkHistory(events, { maxStates: 5 });
  assert.equal(result.verdict, "unknown");
  assert.match(result.reason ?? "", /Search budget exceeded: more than 5 states/);
});

Deno.test("checkHistory validates its options and the kv model's keys", () => {
  assert.throws(() => checkHistory([], { maxStates: 0 }), /maxStates must be an integer >= 1/);
  assert.throws(
    () => checkHistory([], { model: "queue" as "kv" }),
    /model must be "register" or "kv"/,
  );
  assert.throws(
    () => checkHistory([e(1, "invoke", "read", undefined, null)], { model: "kv" }),
    /Line 1: model kv needs a "key"/,
  );
  assert.throws(() => checkHistory([e(1, "ok", "read", 1)]), /Line 1: completion for process 1/);
});

// ---- Differential tests against the brute-force checker ----

const REGISTER_VALUES: JsonValue[] = [null, 1, 2];
const STRING_VALUES: JsonValue[] = [null, "a", "b", "ab", "ba"];

interface Step {
  process: number;
  f: HistoryFunction;
  key: number;
  value: number;
  expected: number;
  type: "ok" | "fail" | "info";
}

const stepArbitrary = (functions: HistoryFunction[]) =>
  fc.record({
    process: fc.integer({ min: 0, max: 2 }),
    f: fc.constantFrom(...functions),
    key: fc.integer({ min: 0, max: 1 }),
    value: fc.integer({ min: 0, max: 4 }),
    expected: fc.integer({ min: 0, max: 2 }),
    type: fc.constantFrom<Step["type"]>("ok", "ok", "ok", "fail", "info"),
  });

/** Interprets random steps as a well-formed history of at most `maxOps` operations. */
function historyFromSteps(steps: Step[], strings: boolean, maxOps: number): HistoryEvent[] {
  const open = new Map<number, HistoryEvent>();
  const events: HistoryEvent[] = [];
  let ops = 0;
  for (const step of steps) {
    const pending = open.get(step.process);
    if (pending === undefined) {
      if (ops === maxOps) continue;
      ops++;
      const key = `k${step.key}`;
      const invoke: HistoryEvent = { process: step.process, type: "invoke", f: step.f, key };
      if (step.f === "write") invoke.value = 1 + (step.value % 2);
      if (step.f === "append") invoke.value = step.value % 2 === 0 ? "a" : "b";
      if (step.f === "cas") {
        invoke.value = [REGISTER_VALUES[step.expected], 1 + (step.value % 2)];
      }
      open.set(step.process, invoke);
      events.push(invoke);
      continue;
    }
    open.delete(step.process);
    const completion: HistoryEvent = { ...pending, type: step.type };
    if (pending.f === "read") {
      if (step.type === "ok") {
        completion.value = (strings ? STRING_VALUES : REGISTER_VALUES)[
          step.value % (strings ? 5 : 3)
        ];
      } else delete completion.value;
    }
    events.push(completion);
  }
  return events;
}

function minimalPrefixByBruteForce(events: HistoryEvent[]): number {
  for (let k = 1; k <= events.length; k++) {
    if (!bruteForceLinearizable(events.slice(0, k))) return k;
  }
  return -1;
}

function assertAgrees(events: HistoryEvent[]): void {
  const expected = bruteForceLinearizable(events);
  // Every key is checked, so the explained prefix is the minimal one over all keys.
  const result = checkHistory(events, { checkAllKeys: true });
  assert.equal(
    result.verdict,
    expected ? "linearizable" : "not-linearizable",
    `history:\n${events.map((ev) => JSON.stringify(ev)).join("\n")}`,
  );
  if (!expected) {
    assert.equal(result.violation?.prefixLength, minimalPrefixByBruteForce(events));
    assert.equal(result.violation?.minimal, true);
  }
}

/** Seeds of property failures found so far, replayed first on every run. */
const REGRESSIONS: { seed: number; path: string }[] = [];

Deno.test("checkHistory agrees with brute force on small random register histories", () => {
  const property = fc.property(
    fc.array(stepArbitrary(["read", "write", "cas"]), { maxLength: 16 }),
    (steps) => assertAgrees(historyFromSteps(steps, false, 6)),
  );
  for (const regression of REGRESSIONS) fc.assert(property, { ...regression });
  fc.assert(property, { numRuns: 3000 });
});

Deno.test("checkHistory agrees with brute force on small random append histories", () => {
  fc.assert(
    fc.property(
      fc.array(stepArbitrary(["read", "append"]), { maxLength: 16 }),
      (steps) => assertAgrees(historyFromSteps(steps, true, 6)),
    ),
    { numRuns: 1000 },
  );
});

Deno.test("both searches, on their own, agree with brute force on every random history", () => {
  fc.assert(
    fc.property(
      fc.array(stepArbitrary(["read", "write", "cas", "append"]), { maxLength: 16 }),
      fc.boolean(),
      (steps, strings) => {
        // One key, so that the searches (which work per key) see the whole history.
        const events = historyFromSteps(steps, strings, 6).map((event) => ({ ...event, key: "k" }));
        const expected = bruteForceLinearizable(events) ? "linearizable" : "not-linearizable";
        const ops = pairOperations(events);
        const depthModel = new RegisterModel();
        const depthFirst = searchLinearization(depthModel, depthModel.compile(ops), {
          maxStates: 1e6,
        });
        const breadthModel = new RegisterModel();
        const breadthFirst = frontierSearch(breadthModel, breadthModel.compile(ops, true), 1e6);
        assert.equal(depthFirst.verdict, expected);
        assert.equal(breadthFirst.verdict, expected);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("checkHistory agrees with brute force when writes, cas and appends mix", () => {
  fc.assert(
    fc.property(
      fc.array(stepArbitrary(["read", "write", "cas", "append"]), { maxLength: 16 }),
      (steps) => assertAgrees(historyFromSteps(steps, false, 6)),
    ),
    { numRuns: 1000 },
  );
});

Deno.test("generated histories with random linearization points are linearizable", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 7 }),
      fc.constantFrom<HistoryFunction[]>(["read", "write", "cas"], ["read", "append"]),
      (seed, operations, functions) => {
        const events = generateHistory(new Random(seed), {
          operations,
          processes: 3,
          keys: 1,
          values: 2,
          functions,
          infoProbability: 0.2,
          failProbability: 0.2,
        });
        assert.equal(bruteForceLinearizable(events), true);
        assert.equal(checkHistory(events).verdict, "linearizable");
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("larger generated histories are linearizable with many keys and processes", () => {
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const events = generateHistory(new Random(seed), {
        operations: 300,
        processes: 8,
        keys: 3,
        functions: ["read", "write", "cas", "append"],
        infoProbability: 0.1,
      });
      const result = checkHistory(events);
      assert.notEqual(result.verdict, "not-linearizable", `seed ${seed}`);
    }),
    { numRuns: 40 },
  );
});

Deno.test("checkHistory accepts the client operations a simulation records", () => {
  const recorded: OpEvent[] = [
    { process: 1, type: "invoke", f: "write", key: "x", value: 3 },
    { process: 1, type: "ok", f: "write", key: "x", value: 3 },
  ];
  assert.equal(checkHistory(recorded, { model: "kv" }).verdict, "linearizable");
});

Deno.test("checkHistory with explain: false stops at the refutation, without the prefix search", () => {
  // The depth-first search refutes key "1"; only an explanation needs the minimal prefix.
  const events = generateKvHistory(new Random(4), {
    operations: 300,
    clients: 20,
    keys: 3,
    corruptKeys: ["1"],
  });
  const bare = checkHistory(events, { model: "kv", explain: false });
  const explained = checkHistory(events, { model: "kv" });
  assert.equal(bare.verdict, "not-linearizable");
  assert.equal(explained.verdict, "not-linearizable");
  assert.equal(bare.violation, undefined);
  assert.ok(
    bare.statesExplored < explained.statesExplored,
    `${bare.statesExplored} states without, ${explained.statesExplored} with an explanation`,
  );
});
