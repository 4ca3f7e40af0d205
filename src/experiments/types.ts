/**
 * The experiment contract shared by pages, labs, tests and the CLI (DESIGN.md, "Experiments
 * and the CLI").
 *
 * @module
 */

import type { Chart } from "../viz/types.ts";
export type { Chart, VegaLiteSpec } from "../viz/types.ts";

/** An integer parameter in `[min, max]`. */
export interface IntegerParamSpec {
  kind: "integer";
  default: number;
  min: number;
  max: number;
  description: string;
}

/** A finite number parameter in `[min, max]`. */
export interface NumberParamSpec {
  kind: "number";
  default: number;
  min: number;
  max: number;
  description: string;
}

/** A boolean parameter. */
export interface BooleanParamSpec {
  kind: "boolean";
  default: boolean;
  description: string;
}

/** One of a fixed list of strings; `V` is their union when the list is a literal. */
export interface EnumParamSpec<V extends string = string> {
  kind: "enum";
  default: V;
  values: readonly V[];
  description: string;
}

/** A free string, optionally matching `pattern` (a RegExp source). */
export interface StringParamSpec {
  kind: "string";
  default: string;
  description: string;
  pattern?: string;
}

/** One parameter of an experiment, with its default and allowed values. */
export type ParamSpec =
  | IntegerParamSpec
  | NumberParamSpec
  | BooleanParamSpec
  | EnumParamSpec
  | StringParamSpec;

/** Parameter values after validation. */
export type Params = Record<string, number | boolean | string>;

/** The value type a spec validates to: `EnumParamSpec<"a" | "b">` gives `"a" | "b"`. */
export type ParamValue<S extends ParamSpec> = S extends EnumParamSpec<infer V> ? V
  : S extends BooleanParamSpec ? boolean
  : S extends StringParamSpec ? string
  : number;

/**
 * Validated parameter values typed from their specs, e.g.
 * `ParamsOf<{ n: IntegerParamSpec; mode: EnumParamSpec<"a" | "b"> }>` is
 * `{ readonly n: number; readonly mode: "a" | "b" }`.
 */
export type ParamsOf<P extends Record<string, ParamSpec>> = {
  readonly [K in keyof P]: ParamValue<P[K]>;
};

/** What a run returns: a summary for tables, data for pages, charts as Vega-Lite. */
export interface ExperimentResult {
  summary: Record<string, unknown>;
  data: Record<string, unknown>;
  charts: Chart[];
  /** Hash of the simulation trace(s), for determinism checks. */
  traceHash?: string;
}

/** Options for a run: progress reporting for long runs. */
export interface RunOptions {
  /** Called now and then with work done and total work (any unit). */
  onProgress?: (done: number, total: number) => void;
}

/** A named, parameterised, deterministic experiment. */
export interface Experiment {
  name: string;
  title: string;
  description: string;
  params: Record<string, ParamSpec>;
  run(params: Params, seed: number, options?: RunOptions): ExperimentResult;
}

/** The result of {@linkcode runExperiment}: the run plus what identifies it. */
export interface ExperimentRun extends ExperimentResult {
  experiment: string;
  seed: number;
  params: Params;
  traceHash: string;
}
