/**
 * The experiment contract shared by pages, labs, tests and the CLI (DESIGN.md, "Experiments
 * and the CLI").
 *
 * @module
 */

import type { Chart } from "../viz/types.ts";
export type { Chart, VegaLiteSpec } from "../viz/types.ts";

/** One parameter of an experiment, with its default and allowed values. */
export type ParamSpec =
  | { kind: "integer"; default: number; min: number; max: number; description: string }
  | { kind: "number"; default: number; min: number; max: number; description: string }
  | { kind: "boolean"; default: boolean; description: string }
  | { kind: "enum"; default: string; values: readonly string[]; description: string }
  | { kind: "string"; default: string; description: string; pattern?: string };

/** Parameter values after validation. */
export type Params = Record<string, number | boolean | string>;

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
