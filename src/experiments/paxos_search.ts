/**
 * The `paxos-search` experiment: the fault-schedule search run against single-decree Paxos or
 * Multi-Paxos, correct or with the known-broken `forget-accepted` acceptor. A broken variant
 * yields a minimal counterexample (schedule, trace, message diagram, `{seed, path}` replay).
 *
 * @module
 */

import { search } from "../check/search/search.ts";
import { searchReport } from "./search_report.ts";
import { paxosSearchTarget } from "../check/search/paxos_target.ts";
import { PAXOS_VARIANTS } from "../consensus/paxos/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam } from "./param_specs.ts";
import type { Experiment } from "./types.ts";

/** Fault-schedule search against Paxos. */
export const paxosSearchExperiment: Experiment = defineExperiment({
  name: "paxos-search",
  title: "Fault-schedule search against Paxos and Multi-Paxos",
  description:
    "Generates crash, partition, cut, loss, delay, slow-node and clock-jump schedules plus client " +
    "requests, checks agreement and validity after every run, and shrinks a violation to a minimal " +
    "counterexample with the {seed, path} that replays it.",
  params: {
    variant: enumParam({
      default: "correct",
      values: PAXOS_VARIANTS,
      description: "correct, or forget-accepted (Promise omits the highest accepted proposal)",
    }),
    protocol: enumParam({
      default: "multi",
      values: ["single", "multi"],
      description: "single-decree Paxos or Multi-Paxos",
    }),
    numRuns: integerParam({ default: 300, min: 1, max: 100_000, description: "Scenarios to try" }),
    nodes: integerParam({ default: 3, min: 3, max: 7, description: "Replicas" }),
    maxFaultSteps: integerParam({
      default: 4,
      min: 0,
      max: 20,
      description: "Nemesis steps per scenario",
    }),
  },
  run(params, seed, options) {
    const { protocol, variant, nodes, maxFaultSteps, numRuns } = params;
    const target = paxosSearchTarget({ protocol, variant, nodes, maxFaultSteps });
    const result = search(target, { seed, numRuns, onProgress: options.onProgress });
    return searchReport(target, result);
  },
});
