/**
 * Checkers: invariant monitors, the fault-schedule search, and linearizability of register and
 * key-value histories (Jepsen-style JSON lines).
 *
 * @example
 * ```ts
 * import { checkHistory, parseHistory } from "./mod.ts";
 * const events = parseHistory(
 *   '{"process":1,"type":"invoke","f":"write","key":"x","value":1}\n' +
 *     '{"process":1,"type":"ok","f":"write","key":"x","value":1}\n',
 * );
 * console.assert(checkHistory(events, { model: "kv" }).verdict === "linearizable");
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
} from "./history.ts";
export {
  checkHistory,
  type CheckOptions,
  type CheckResult,
  type KeyResult,
  type Model,
  type Verdict,
} from "./linearizability.ts";
export {
  type InvolvedOperation,
  type OperationRole,
  type TimelineData,
  type TimelineOperation,
  type Violation,
} from "./lin_explain.ts";
export { bruteForceLinearizable } from "./lin_brute_force.ts";
export * from "./paxos_invariants.ts";
export * from "./raft_invariants.ts";
export * from "./search.ts";
export * from "./search_paxos.ts";
export * from "./search_linearizability.ts";
export * from "./search_raft.ts";
