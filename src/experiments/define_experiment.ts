/**
 * `defineExperiment`: an experiment whose `run` receives its parameters typed from their
 * specs (`{ nodes: number; mode: "a" | "b" }`), so no experiment casts a parameter to its
 * type. The result is a plain {@linkcode Experiment}, the contract the registry, the CLI, the
 * pages and the player already use.
 *
 * @module
 */

import { resolveParams } from "./params.ts";
import { checkParamSpec } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf, ParamSpec, RunOptions } from "./types.ts";

/** An experiment as its author writes it: `run` sees typed, validated parameters. */
export interface ExperimentDefinition<P extends Record<string, ParamSpec>> {
  /** Kebab-case name used by the CLI and the registry, e.g. `clock-drift`. */
  name: string;
  title: string;
  description: string;
  /** Parameter specs, best built with `integerParam`, `enumParam` and friends. */
  params: P;
  /** Runs once; `params` are validated and complete (defaults filled in). */
  run(params: ParamsOf<P>, seed: number, options: RunOptions): ExperimentResult;
}

// The CLI takes experiment names as words; kebab-case keeps them shell- and URL-safe.
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Checks a definition (name, title, every parameter spec) and returns it as an
 * {@linkcode Experiment}. Bad specs throw a RangeError at definition time naming the
 * experiment and the parameter. The returned `run` validates what it is given (filling
 * defaults) before calling the typed `run`, so even a direct call cannot hand it bad values.
 *
 * @param definition Name, title, description, parameter specs and the typed `run`.
 * @returns The experiment, ready for the registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineExperiment } from "./define_experiment.ts";
 * import { enumParam, integerParam } from "./param_specs.ts";
 * const demo = defineExperiment({
 *   name: "demo",
 *   title: "Demo",
 *   description: "Echoes its parameters",
 *   params: {
 *     n: integerParam({ default: 3, min: 1, max: 9, description: "Nodes" }),
 *     mode: enumParam({ values: ["a", "b"], default: "a", description: "Mode" }),
 *   },
 *   run(params, seed) {
 *     const n: number = params.n; // typed from the spec: no cast
 *     const mode: "a" | "b" = params.mode;
 *     return { summary: { n, mode, seed }, data: {}, charts: [] };
 *   },
 * });
 * assert.deepEqual(demo.run({ mode: "b" }, 7).summary, { n: 3, mode: "b", seed: 7 });
 * assert.throws(() => demo.run({ n: 10 }, 7), /demo: parameter n must be an integer in \[1, 9\]/);
 * ```
 */
export function defineExperiment<P extends Record<string, ParamSpec>>(
  definition: ExperimentDefinition<P>,
): Experiment {
  const { name, title, description, params } = definition;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new RangeError(
      `defineExperiment: name must be kebab-case (like clock-drift), got ${JSON.stringify(name)}`,
    );
  }
  if (typeof title !== "string" || title.trim() === "") {
    throw new RangeError(`defineExperiment: ${name}: title must be a non-empty string`);
  }
  for (const [key, spec] of Object.entries(params)) checkParamSpec(name, key, spec);
  return {
    name,
    title,
    description,
    params,
    run: (given, seed, options = {}) =>
      definition.run(resolveParams(definition, given), seed, options),
  };
}
