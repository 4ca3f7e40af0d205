import assert from "node:assert/strict";
import fc from "fast-check";
import { defineExperiment, type ExperimentDefinition } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam, numberParam, stringParam } from "./param_specs.ts";
import { getExperiment, runExperiment } from "./run.ts";
import type { ParamSpec } from "./types.ts";

const PARAMS = {
  nodes: integerParam({ default: 3, min: 1, max: 9, description: "Nodes" }),
  loss: numberParam({ default: 0.1, min: 0, max: 1, description: "Loss probability" }),
  fifo: booleanParam({ default: false, description: "FIFO links" }),
  mode: enumParam({ values: ["fast", "safe"], default: "safe", description: "Mode" }),
  key: stringParam({ default: "x", pattern: "^[a-z]+$", description: "Key" }),
};

/** An experiment that returns the parameters its typed run received. */
function echo() {
  return defineExperiment({
    name: "echo",
    title: "Echo",
    description: "Returns its parameters",
    params: PARAMS,
    run(params, seed) {
      // These annotations are the point: each value has its spec's type without a cast.
      const nodes: number = params.nodes;
      const loss: number = params.loss;
      const fifo: boolean = params.fifo;
      const mode: "fast" | "safe" = params.mode;
      const key: string = params.key;
      // @ts-expect-error: typed, not `any`, so a number does not pass for a string
      const _notAny: string = params.nodes;
      return { summary: { nodes, loss, fifo, mode, key, seed }, data: {}, charts: [] };
    },
  });
}

/** A definition with one parameter, for the bad-spec tests. */
function withParam(spec: ParamSpec): ExperimentDefinition<Record<string, ParamSpec>> {
  return {
    name: "bad",
    title: "Bad",
    description: "Has a bad parameter",
    params: { knob: spec },
    run: () => ({ summary: {}, data: {}, charts: [] }),
  };
}

Deno.test("a typed run receives every parameter, defaults filled in", () => {
  assert.deepEqual(echo().run({ mode: "fast", nodes: 5 }, 7).summary, {
    nodes: 5,
    loss: 0.1,
    fifo: false,
    mode: "fast",
    key: "x",
    seed: 7,
  });
});

Deno.test("a typed run never sees a value outside its spec, even when called directly", () => {
  const experiment = echo();
  assert.throws(() => experiment.run({ nodes: 10 }, 1), {
    name: "ParamError",
    message: "echo: parameter nodes must be an integer in [1, 9], got 10",
  });
  assert.throws(
    () => experiment.run({ mode: "slow" }, 1),
    /parameter mode must be one of fast, safe/,
  );
  assert.throws(() => experiment.run({ key: "X1" }, 1), /parameter key must be a string matching/);
  assert.throws(() => experiment.run({ colour: "red" }, 1), /unknown parameter colour/);
});

Deno.test("a typed run receives exactly the in-range integers it is given", () => {
  const experiment = echo();
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, noNaN: true }), (
      nodes,
      loss,
    ) => {
      const summary = experiment.run({ nodes, loss }, 1).summary;
      assert.equal(summary.nodes, nodes);
      assert.equal(summary.loss, loss);
    }),
  );
});

Deno.test("defineExperiment keeps the specs as given, for the CLI, pages and player", () => {
  const experiment = echo();
  assert.equal(experiment.params, PARAMS);
  assert.deepEqual(experiment.params.mode, {
    kind: "enum",
    default: "safe",
    values: ["fast", "safe"],
    description: "Mode",
  });
});

Deno.test("defineExperiment refuses a default outside its range, naming the parameter", () => {
  assert.throws(
    () =>
      defineExperiment(withParam(integerParam({ default: 0, min: 1, max: 9, description: "n" }))),
    { name: "RangeError", message: "bad: parameter knob: default 0 is outside [1, 9]" },
  );
  assert.throws(
    () =>
      defineExperiment(withParam(numberParam({ default: 1.5, min: 0, max: 1, description: "p" }))),
    { name: "RangeError", message: "bad: parameter knob: default 1.5 is outside [0, 1]" },
  );
});

Deno.test("defineExperiment refuses an empty enum and a default that is not listed", () => {
  const empty = enumParam<string>({ values: [], default: "a", description: "Mode" });
  assert.throws(() => defineExperiment(withParam(empty)), {
    name: "RangeError",
    message: "bad: parameter knob: values must list at least one value",
  });
  const unlisted = enumParam<string>({ values: ["a", "b"], default: "c", description: "Mode" });
  assert.throws(() => defineExperiment(withParam(unlisted)), {
    message: 'bad: parameter knob: default "c" is not one of a, b',
  });
  const twice = enumParam({ values: ["a", "a"], default: "a", description: "Mode" });
  assert.throws(() => defineExperiment(withParam(twice)), /values list "a" twice/);
});

Deno.test("defineExperiment refuses inverted and non-integer ranges", () => {
  const inverted = integerParam({ default: 5, min: 9, max: 1, description: "n" });
  assert.throws(() => defineExperiment(withParam(inverted)), /knob: min 9 is above max 1/);
  const fractional = integerParam({ default: 2, min: 0.5, max: 9, description: "n" });
  assert.throws(() => defineExperiment(withParam(fractional)), /min must be a safe integer/);
  const infinite = numberParam({ default: 2, min: 0, max: Infinity, description: "x" });
  assert.throws(() => defineExperiment(withParam(infinite)), /max must be a finite number/);
});

Deno.test("defineExperiment refuses a string default its pattern rejects, and a bad pattern", () => {
  const mismatch = stringParam({ default: "X", pattern: "^[a-z]+$", description: "Key" });
  assert.throws(() => defineExperiment(withParam(mismatch)), /default "X" does not match/);
  const broken = stringParam({ default: "x", pattern: "(", description: "Key" });
  assert.throws(() => defineExperiment(withParam(broken)), /pattern \/\(\/ is not a valid/);
});

Deno.test("defineExperiment refuses hand-written specs of unknown kind or without description", () => {
  const unknownKind = { kind: "date", default: "today", description: "When" } as unknown;
  assert.throws(
    () => defineExperiment(withParam(unknownKind as ParamSpec)),
    /knob: kind "date" is not one of integer, number, boolean, enum, string/,
  );
  const silent = booleanParam({ default: true, description: " " });
  assert.throws(() => defineExperiment(withParam(silent)), /description must be a non-empty/);
});

Deno.test("defineExperiment refuses a name the CLI could not take", () => {
  assert.throws(
    () =>
      defineExperiment({
        ...withParam(booleanParam({ default: true, description: "b" })),
        name: "Clock Drift",
      }),
    { name: "RangeError", message: /name must be kebab-case .*got "Clock Drift"/ },
  );
});

Deno.test("a registered experiment run directly matches runExperiment, seed for seed", () => {
  const causality = getExperiment("causality");
  for (const seed of [1, 7]) {
    const direct = causality.run({ nodes: 4 }, seed);
    assert.equal(direct.traceHash, runExperiment("causality", { nodes: 4 }, seed).traceHash);
  }
});
