/**
 * Every named experiment. To add one: write `src/experiments/<name>.ts` exporting an
 * `Experiment`, then append an import and an entry below.
 *
 * @module
 */

import type { Experiment } from "./types.ts";
import { fallaciesExperiment } from "./fallacies.ts";
import { clockDriftExperiment } from "./clock_drift.ts";
import { causalityExperiment } from "./causality.ts";
import { lwwSkewExperiment } from "./lww_skew.ts";
import { raftElectionExperiment } from "./raft_election.ts";

/** All experiments, in the order `--list` shows them. */
export const EXPERIMENTS: readonly Experiment[] = [
  fallaciesExperiment,
  clockDriftExperiment,
  causalityExperiment,
  lwwSkewExperiment,
  raftElectionExperiment,
];
