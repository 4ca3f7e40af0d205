/**
 * Named, parameterised experiments shared by pages, labs, tests and the CLI.
 *
 * @module
 */

export * from "./types.ts";
export * from "./params.ts";
export * from "./param_specs.ts";
export * from "./define_experiment.ts";
export * from "./run.ts";
export { EXPERIMENTS } from "./registry.ts";
export { runPbftCluster, runPbftScenario, runRaftForComparison } from "./pbft.ts";
export type { PbftRunMeasure, PbftScenario, PbftScenarioOptions } from "./pbft.ts";
export {
  electionTrial,
  type ElectionTrialOptions,
  type ElectionTrialResult,
} from "./raft_election.ts";
export { type QuorumRunOptions, type QuorumRunResult, runQuorumOnce } from "./quorum.ts";
export { runShop, SHOP_SERVICES } from "./trace_shop.ts";
export type { ShopOptions, ShopRequest, ShopResult, ShopService } from "./trace_shop.ts";
export { GAME_DAY_FAULTS, gameDayFault } from "./game_day.ts";
export {
  EPAXOS_CONFLICT_PERCENTS,
  EPAXOS_SITES,
  EPAXOS_WAN_MS,
  epaxosGraph,
  epaxosWanMs,
  runEpaxosScenario,
  runEpaxosWan,
  runMultiPaxosWan,
} from "./epaxos.ts";
export type {
  EpaxosLatencySample,
  EpaxosScenario,
  EpaxosScenarioOptions,
  EpaxosWanRun,
} from "./epaxos.ts";
