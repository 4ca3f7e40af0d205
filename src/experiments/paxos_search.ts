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
import { PAXOS_VARIANTS, type PaxosVariant } from "../consensus/paxos/mod.ts";
import type { Experiment } from "./types.ts";

/** Fault-schedule search against Paxos. */
export const paxosSearchExperiment: Experiment = {
  name: "paxos-search",
  title: "Fault-schedule search against Paxos and Multi-Paxos",
  description:
    "Generates crash, partition, cut, loss, delay, slow-node and clock-jump schedules plus client " +
    "requests, checks agreement and validity after every run, and shrinks a violation to a minimal " +
    "counterexample with the {seed, path} that replays it.",
  params: {
    variant: {
      kind: "enum",
      default: "correct",
      values: PAXOS_VARIANTS,
      description: "correct, or forget-accepted (Promise omits the highest accepted proposal)",
    },
    protocol: {
      kind: "enum",
      default: "multi",
      values: ["single", "multi"],
      description: "single-decree Paxos or Multi-Paxos",
    },
    numRuns: {
      kind: "integer",
      default: 300,
      min: 1,
      max: 100_000,
      description: "Scenarios to try",
    },
    nodes: { kind: "integer", default: 3, min: 3, max: 7, description: "Replicas" },
    maxFaultSteps: {
      kind: "integer",
      default: 4,
      min: 0,
      max: 20,
      description: "Nemesis steps per scenario",
    },
  },
  run(params, seed, options = {}) {
    const target = paxosSearchTarget({
      protocol: params.protocol as "single" | "multi",
      variant: params.variant as PaxosVariant,
      nodes: params.nodes as number,
      maxFaultSteps: params.maxFaultSteps as number,
    });
    const result = search(target, {
      seed,
      numRuns: params.numRuns as number,
      onProgress: options.onProgress,
    });
    return searchReport(target, result);
  },
};
