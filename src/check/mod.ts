/**
 * Checkers: invariant monitors, the fault-schedule search, and linearizability of register and
 * key-value histories (Jepsen-style JSON lines).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkHistory, parseHistory } from "./mod.ts";
 * const events = parseHistory(
 *   '{"process":1,"type":"invoke","f":"write","key":"x","value":1}\n' +
 *     '{"process":1,"type":"ok","f":"write","key":"x","value":1}\n',
 * );
 * assert.ok(checkHistory(events, { model: "kv" }).verdict === "linearizable");
 * ```
 *
 * @module
 */

export {
  canonicalJson,
  HistoryError,
  type HistoryEvent,
  type HistoryEventLike,
  type HistoryEventType,
  type HistoryFunction,
  historyToJsonLines,
  type JsonValue,
  type Operation,
  operationLabel,
  type Outcome,
  pairOperations,
  parseHistory,
  validateEvent,
} from "./linearizability/history.ts";
export {
  checkHistory,
  type CheckOptions,
  type CheckPlan,
  type CheckResult,
  type KeyResult,
  type KeyVerdict,
  type Model,
  planCheck,
  type Verdict,
} from "./linearizability/checker.ts";
export {
  type InvolvedOperation,
  type OperationRole,
  type TimelineData,
  type TimelineOperation,
  type Violation,
} from "./linearizability/explain.ts";
export {
  type KeyCheckOptions,
  KeySchedule,
  type KeyScheduleOptions,
  type KeyTask,
  runKeySchedule,
} from "./linearizability/key_schedule.ts";
export { type RegisterCheck, type RegisterChecker } from "./linearizability/depth_first.ts";
export { bruteForceLinearizable } from "./linearizability/brute_force.ts";
export {
  convertHistory,
  fromJepsenLog,
  fromPorcupineKv,
  HISTORY_FORMATS,
  type HistoryFormat,
} from "./linearizability/convert.ts";
export { generateKvHistory, type KvHistoryOptions } from "./linearizability/generate_kv.ts";
export * from "./invariants/paxos.ts";
export * from "./invariants/raft.ts";
export * from "./search/search.ts";
export * from "./search/paxos_target.ts";
export * from "./search/linearizable.ts";
export * from "./search/raft_target.ts";
export * from "./invariants/raft_run.ts";
export * from "./search/raft_fixtures.ts";
export * from "./search/raft_rules_check.ts";
export * from "./invariants/causality.ts";
export * from "./invariants/pbft.ts";
export * from "./search/pbft_target.ts";
export * from "./invariants/epaxos.ts";
export * from "./invariants/crdt.ts";
export * from "./invariants/crdt_run.ts";
export * from "./invariants/crdt_laws.ts";
export * from "./search/crdt_target.ts";
export * from "./invariants/transactions.ts";
export * from "./search/saga_target.ts";
export * from "./invariants/resilience.ts";
export * from "./search/breaker_target.ts";
export * from "./invariants/replication.ts";
export * from "./search/replication_target.ts";
export * from "./invariants/messaging.ts";
export * from "./invariants/messaging_run.ts";
export * from "./search/epaxos_target.ts";
