/**
 * Every named experiment. To add one: write `src/experiments/<name>.ts` exporting an
 * `Experiment` built with `defineExperiment` (its `run` then sees typed parameters), then
 * append an import and an entry below.
 *
 * @module
 */

import type { Experiment } from "./types.ts";
import { fallaciesExperiment } from "./fallacies.ts";
import { paxosSearchExperiment } from "./paxos_search.ts";
import { paxosDuelingExperiment } from "./paxos_dueling.ts";
import { raftSearchExperiment } from "./raft_search.ts";
import { clockDriftExperiment } from "./clock_drift.ts";
import { causalityExperiment } from "./causality.ts";
import { lwwSkewExperiment } from "./lww_skew.ts";
import { raftElectionExperiment } from "./raft_election.ts";
import { pbftExperiment } from "./pbft.ts";
import { hashBalanceExperiment } from "./hash_balance.ts";
import { crdtConvergeExperiment } from "./crdt_converge.ts";
import { sagaOutcomesExperiment } from "./saga_outcomes.ts";
import { outboxExperiment } from "./outbox.ts";
import { twoPhaseCommitExperiment } from "./two_phase_commit.ts";
import { circuitBreakerExperiment } from "./circuit_breaker.ts";
import { retryStormExperiment } from "./retry_storm.ts";
import { loadBalancingExperiment } from "./load_balancing.ts";
import { cascadeExperiment } from "./cascade.ts";
import { replicationFailoverExperiment } from "./replication_failover.ts";
import { quorumExperiment } from "./quorum.ts";
import { antiEntropyExperiment } from "./anti_entropy.ts";
import { capExperiment } from "./cap.ts";
import { pacelcExperiment } from "./pacelc.ts";
import { deliverySemanticsExperiment } from "./delivery_semantics.ts";
import { consumerRebalanceExperiment } from "./consumer_rebalance.ts";
import { traceExperiment } from "./trace.ts";
import { gameDayExperiment } from "./game_day.ts";
import { epaxosExperiment } from "./epaxos.ts";

/** All experiments, in the order `--list` shows them. */
export const EXPERIMENTS: readonly Experiment[] = [
  fallaciesExperiment,
  paxosSearchExperiment,
  paxosDuelingExperiment,
  raftSearchExperiment,
  clockDriftExperiment,
  causalityExperiment,
  lwwSkewExperiment,
  raftElectionExperiment,
  pbftExperiment,
  hashBalanceExperiment,
  crdtConvergeExperiment,
  sagaOutcomesExperiment,
  outboxExperiment,
  twoPhaseCommitExperiment,
  circuitBreakerExperiment,
  retryStormExperiment,
  loadBalancingExperiment,
  cascadeExperiment,
  replicationFailoverExperiment,
  quorumExperiment,
  antiEntropyExperiment,
  capExperiment,
  pacelcExperiment,
  deliverySemanticsExperiment,
  consumerRebalanceExperiment,
  traceExperiment,
  gameDayExperiment,
  epaxosExperiment,
];
