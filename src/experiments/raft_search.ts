/**
 * The `raft-search` experiment: the fault-schedule search run against the Raft KV store,
 * correct or with one of the seed page's simplifications (`no-prev-log-check`, `stale-vote`,
 * `commit-old-term`). Checks Election Safety, Log Matching, Leader Completeness, State Machine
 * Safety and linearizability of the clients' history; a violation comes back shrunk, with its
 * schedule, trace, message diagram and `{seed, path}` replay.
 *
 * @module
 */

import { search } from "../check/search/search.ts";
import { raftSearchTarget } from "../check/search/raft_target.ts";
import { searchReport } from "./search_report.ts";
import { RAFT_VARIANTS } from "../consensus/raft/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam } from "./param_specs.ts";
import type { Experiment } from "./types.ts";

/** Fault-schedule search against Raft. */
export const raftSearchExperiment: Experiment = defineExperiment({
  name: "raft-search",
  title: "Fault-schedule search against Raft",
  description:
    "Generates nemesis schedules (by default: isolate whoever leads, with or without the " +
    "clients), checks Raft's four safety properties and linearizability after every run, and " +
    "shrinks a violation to a minimal counterexample with the {seed, path} that replays it.",
  params: {
    variant: enumParam({
      default: "correct",
      values: RAFT_VARIANTS,
      description: "correct, or a known-broken simplification",
    }),
    nemesis: enumParam({
      default: "leader",
      values: ["leader", "mixed"],
      description:
        "leader: isolate the leader, alone or in chains; mixed: every verb, leader-aimed ones most often",
    }),
    numRuns: integerParam({ default: 300, min: 1, max: 100_000, description: "Cases to try" }),
    servers: integerParam({ default: 3, min: 3, max: 7, description: "Raft servers" }),
    maxFaultSteps: integerParam({
      default: 6,
      min: 0,
      max: 20,
      description: "Nemesis steps per case",
    }),
    linearizability: booleanParam({
      default: true,
      description: "Also check the clients' history for linearizability",
    }),
  },
  run(params, seed, options = {}) {
    const target = raftSearchTarget({
      variant: params.variant,
      nemesis: params.nemesis,
      servers: params.servers,
      maxFaultSteps: params.maxFaultSteps,
      linearizability: params.linearizability,
    });
    const result = search(target, {
      seed,
      numRuns: params.numRuns,
      onProgress: options.onProgress,
    });
    return searchReport(target, result, { hideTypes: [], stateKeys: ["role", "term"] });
  },
});
