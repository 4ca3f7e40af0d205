/**
 * Experiment `crdt-converge`: replicas of one CRDT type gossip over a lossy, duplicating,
 * reordering network while updates arrive and partitions come and go; the monitor checks
 * strong convergence every round, and at the end the value is held to the type's
 * specification. Reports whether and how fast the replicas converged after the last update
 * or heal, the state size, and the bytes gossip sent — in the chosen mode and, for
 * comparison, in the other (delta vs whole state).
 *
 * Choosing a known-broken type (`g-counter/sum-merge`, `or-set/name-tombstones`) or LWW with
 * `stamps=physical` and clock skew shows each failure the checks exist for.
 *
 * @module
 */

import { combineHashes } from "../sim/mod.ts";
import { BROKEN_CRDT_NAMES, CRDT_TYPE_NAMES } from "../crdt/mod.ts";
import { runCrdtCluster } from "../check/invariants/crdt_run.ts";
import { crdtBytesChart, crdtConvergenceChart } from "../viz/crdt_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

const CRDT_CONVERGE_PARAMS = {
  type: enumParam({
    values: [...CRDT_TYPE_NAMES, ...BROKEN_CRDT_NAMES],
    default: "or-set",
    description: "CRDT type (the last two are known-broken variants)",
  }),
  replicas: integerParam({ default: 3, min: 2, max: 12, description: "Replicas" }),
  updates: integerParam({ default: 100, min: 0, max: 2000, description: "Updates issued" }),
  partitions: integerParam({
    default: 2,
    min: 0,
    max: 10,
    description: "Partition episodes during the update window",
  }),
  lossProbability: numberParam({ default: 0.1, min: 0, max: 0.9, description: "Message loss" }),
  duplicateProbability: numberParam({
    default: 0.1,
    min: 0,
    max: 0.9,
    description: "Message duplication",
  }),
  mode: enumParam({
    values: ["delta", "state"],
    default: "delta",
    description: "Push deltas or whole states on change",
  }),
  stamps: enumParam({
    values: ["hlc", "physical"],
    default: "hlc",
    description: "Timestamps of LWW writes",
  }),
  clockSkewMs: numberParam({
    default: 0,
    min: 0,
    max: 10_000,
    description: "Clock offsets spread over [0, skew]",
  }),
  gossipMs: numberParam({ default: 10, min: 1, max: 1000, description: "Gossip round length" }),
  antiEntropyEvery: integerParam({
    default: 4,
    min: 0,
    max: 100,
    description: "Whole state to one peer every this many rounds (0: never)",
  }),
};

/** Runs the experiment (the `run` of {@linkcode crdtConvergeExperiment}). */
export function runCrdtConverge(
  params: ParamsOf<typeof CRDT_CONVERGE_PARAMS>,
  seed: number,
): ExperimentResult {
  const common = {
    type: params.type,
    seed,
    replicas: params.replicas,
    updates: params.updates,
    partitions: params.partitions,
    lossProbability: params.lossProbability,
    duplicateProbability: params.duplicateProbability,
    stamps: params.stamps,
    clockSkewMs: params.clockSkewMs,
    gossipMs: params.gossipMs,
    antiEntropyEvery: params.antiEntropyEvery,
  };
  const run = runCrdtCluster({ ...common, mode: params.mode });
  const otherMode = params.mode === "delta" ? "state" : "delta";
  const other = runCrdtCluster({ ...common, mode: otherMode });
  const summary = {
    type: params.type,
    converged: run.converged,
    convergenceMs: run.convergenceMs === null ? null : Math.round(run.convergenceMs * 1000) / 1000,
    updates: run.updates.length,
    partitions: params.partitions,
    valueMatchesSpec: run.valueMatchesSpec,
    violations: run.violationCount,
    firstViolation: run.violations[0]?.message ?? null,
    stateBytes: run.stateBytes,
    payloadBytes: run.payloadBytes,
    [`payloadBytes${otherMode === "state" ? "State" : "Delta"}Mode`]: other.payloadBytes,
    messages: run.messages,
    value: run.finalValues[Object.keys(run.finalValues)[0]],
    expectedValue: run.expectedValue,
  };
  return {
    summary,
    data: {
      samples: run.samples,
      violations: run.violations,
      finalValues: run.finalValues,
      bytes: [
        { mode: params.mode, payloadBytes: run.payloadBytes, stateBytes: run.stateBytes },
        { mode: otherMode, payloadBytes: other.payloadBytes, stateBytes: other.stateBytes },
      ],
    },
    charts: [
      { title: "Replica states over time", spec: crdtConvergenceChart(run.samples) },
      {
        title: "Payload bytes by mode",
        spec: crdtBytesChart([
          { mode: params.mode, payloadBytes: run.payloadBytes, stateBytes: run.stateBytes },
          { mode: otherMode, payloadBytes: other.payloadBytes, stateBytes: other.stateBytes },
        ]),
      },
    ],
    traceHash: combineHashes([run.traceHash, other.traceHash]),
  };
}

/** The `crdt-converge` experiment. */
export const crdtConvergeExperiment: Experiment = defineExperiment({
  name: "crdt-converge",
  title: "CRDTs: convergence under loss, duplication and partitions",
  description:
    "Replicas of a CRDT gossip deltas or states; convergence time after the last update or heal, state size, bytes sent, and checks of strong convergence and the specification",
  params: CRDT_CONVERGE_PARAMS,
  run: (params, seed) => runCrdtConverge(params, seed),
});
