/**
 * Looking experiments up and running them with validated parameters.
 *
 * @module
 */

import { ParamError, resolveParams } from "./params.ts";
import { EXPERIMENTS } from "./registry.ts";
import type { Experiment, ExperimentRun, RunOptions } from "./types.ts";

/** Finds an experiment by name; throws ParamError listing the known names. */
export function getExperiment(name: string): Experiment {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (found === undefined) {
    throw new ParamError(
      `Unknown experiment "${name}" (known: ${EXPERIMENTS.map((e) => e.name).join(", ")})`,
    );
  }
  return found;
}

/** Names, titles and parameters of every experiment. */
export function listExperiments(): Experiment[] {
  return [...EXPERIMENTS];
}

/**
 * Runs an experiment by name with validated parameters.
 *
 * @example
 * ```ts
 * import { runExperiment } from "./run.ts";
 * const a = runExperiment("fallacies", { fallacy: "reliable" }, 7);
 * const b = runExperiment("fallacies", { fallacy: "reliable" }, 7);
 * if (a.traceHash !== b.traceHash) throw new Error("same seed, same trace");
 * ```
 */
export function runExperiment(
  name: string,
  params: Record<string, unknown> = {},
  seed = 1,
  options: RunOptions = {},
): ExperimentRun {
  const experiment = getExperiment(name);
  if (!Number.isSafeInteger(seed)) {
    throw new ParamError(`seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  const resolved = resolveParams(experiment, params);
  const result = experiment.run(resolved, seed, options);
  return {
    experiment: experiment.name,
    seed,
    params: resolved,
    summary: result.summary,
    data: result.data,
    charts: result.charts,
    traceHash: result.traceHash ?? "",
  };
}
