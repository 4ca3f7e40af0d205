/**
 * A bounded search for runs in which Raft with given decision rules breaks: a safety phase
 * (random crashes, partitions and loss bursts, with the four invariant monitors and a
 * linearizability check of the clients' history) followed by a liveness phase (everything
 * healed: a leader must be elected and client operations must complete). A failure is shrunk
 * to a locally minimal fault schedule and rendered as a one-line-per-event log, the way lab
 * tests report it.
 *
 * @module
 */

import type { Fault, NodeId, TraceEvent } from "../../sim/mod.ts";
import { describeFault, renderTrace } from "../../sim/mod.ts";
import { checkHistory } from "../linearizability/checker.ts";
import type { HistoryEvent } from "../linearizability/history.ts";
import type { RaftRules } from "../../consensus/raft/rules.ts";
import type { RaftBreakSchedule } from "./raft_fixtures.ts";
import { randomRaftFaults, shrinkFaults } from "./raft_random_faults.ts";
import { runCheckedRaft } from "../invariants/raft_run.ts";
import type { RaftKvMessage } from "../../consensus/raft/server.ts";
import type { KvCommand } from "../../consensus/raft/kv.ts";
import type { AppendEntries } from "../../consensus/raft/types.ts";

/** Options of {@linkcode findRuleFailure}. */
export interface RuleCheckOptions {
  /** Random fault schedules tried per cluster size. @default 25 */
  seeds?: number;
  /** Cluster sizes. @default [3, 5] */
  servers?: readonly number[];
  /** Hand-made schedules tried first (e.g. Figure 8). @default [] */
  schedules?: readonly RaftBreakSchedule[];
  /** Check that the cluster recovers once faults end. @default true */
  liveness?: boolean;
}

/** A failing run, minimal and ready to print. */
export interface RuleCheckFailure {
  /** What broke, as a sentence. */
  problem: string;
  seed: number;
  servers: number;
  /** The locally minimal fault schedule (with the final healing, when liveness is checked). */
  faults: Fault[];
  /** The run as a one-line-per-event log: faults, roles, terms, commits, up to the failure. */
  log: string;
}

const FAULTS_END_MS = 3000;
const RUN_UNTIL_MS = 6000;

interface RunSpec {
  seed: number;
  servers: number;
  faults: Fault[];
  untilMs: number;
  options?: RaftBreakSchedule["options"];
}

/** The liveness phase starts by healing everything: partitions, loss, crashed servers. */
function healAll(atMs: number, servers: number): Fault[] {
  const restarts: Fault[] = Array.from(
    { length: servers },
    (_, i) => ({ atMs, kind: "restart", node: `n${i + 1}` }),
  );
  return [
    { atMs, kind: "heal" },
    { atMs, kind: "network", set: { lossProbability: 0 } },
    ...restarts,
  ];
}

function check(rules: RaftRules, spec: RunSpec, liveness: boolean) {
  const lastFault = Math.max(0, ...spec.faults.map((f) => f.atMs));
  const result = runCheckedRaft({
    ...(spec.options ?? { clients: 2, operations: 400, clientThinkMs: 40 }),
    seed: spec.seed,
    servers: spec.servers,
    faults: liveness && spec.faults.length > 0
      ? [...spec.faults, ...healAll(lastFault + 1, spec.servers)]
      : spec.faults,
    untilMs: spec.untilMs,
    rules,
  });
  const events = result.cluster.sim.trace.events;
  if (result.violations.length > 0) {
    const v = result.violations[0];
    return { kind: v.invariant, problem: v.message, atMs: v.atMs ?? spec.untilMs, events };
  }
  const lin = checkHistory(result.history as HistoryEvent[], { model: "kv", maxStates: 200_000 });
  if (lin.verdict === "not-linearizable") {
    return {
      kind: "linearizability",
      problem: `The clients' history is not linearizable (key ${
        JSON.stringify(lin.violation?.key)
      }): a read saw a value no order of the operations explains`,
      atMs: spec.untilMs,
      events,
    };
  }
  if (liveness) {
    const okAfter = events.some((e) =>
      e.kind === "op" && e.op.type === "ok" && e.t > lastFault + 1000
    );
    if (!okAfter) {
      return {
        kind: "liveness",
        problem: `No client operation succeeded in the ${
          Math.round(spec.untilMs - lastFault - 1000)
        } ms after every fault was healed: no leader was elected, or nothing commits (liveness)`,
        atMs: spec.untilMs,
        events,
      };
    }
  }
  return null;
}

/**
 * The last events before `untilMs` that tell the story: faults, roles, terms and commits, plus
 * votes for an election problem or log traffic (AppendEntries with entries, and refusals) for a
 * log problem; then the failure itself.
 */
function render(
  events: readonly TraceEvent[],
  failure: { kind: string; problem: string; atMs: number },
  lines = 40,
): string {
  const votes = failure.kind === "election-safety" || failure.kind === "liveness";
  const shown = events.filter((e) => {
    if (e.t > failure.atMs) return false;
    if (e.kind === "fault") return true;
    if (e.kind === "state") return e.key === "role" || e.key === "term" || e.key === "commitIndex";
    if (e.kind !== "send") return false;
    const msg = e.msg as RaftKvMessage;
    if (votes) return msg.type === "RequestVote" || msg.type === "RequestVoteResponse";
    return (msg.type === "AppendEntries" && msg.entries.length > 0) ||
      (msg.type === "AppendEntriesResponse" && !msg.success);
  });
  // Entries print as term:client#seq, short enough to read in a log line.
  const tail = shown.slice(-lines).map((e) => {
    if (e.kind !== "send" || e.msg.type !== "AppendEntries") return e;
    const msg = e.msg as AppendEntries<KvCommand>;
    const entries = msg.entries.map((x) => `${x.term}:${x.command.clientId}#${x.command.seq}`);
    return { ...e, msg: { ...msg, entries } as unknown as AppendEntries };
  });
  const skipped = shown.length - tail.length;
  const text = renderTrace(tail, { kinds: ["fault", "state", "send"] });
  return [
    ...(skipped > 0 ? [`… ${skipped} earlier events`] : []),
    text,
    `${failure.atMs.toFixed(3)}ms FAILED: ${failure.problem}`,
  ].join("\n");
}

/**
 * Searches for a run that breaks Raft with the given rules; null when none is found.
 *
 * @example
 * ```ts
 * import { findRuleFailure } from "./raft_rules_check.ts";
 * import { countReplicasCommitRule } from "../../consensus/raft/rules.ts";
 * import { figure8Schedule } from "./raft_fixtures.ts";
 * const failure = findRuleFailure({ commit: countReplicasCommitRule }, {
 *   seeds: 0, schedules: [figure8Schedule(1)],
 * });
 * if (failure === null) throw new Error("Figure 8 breaks the replica-counting commit rule");
 * ```
 */
export function findRuleFailure(
  rules: RaftRules,
  options: RuleCheckOptions = {},
): RuleCheckFailure | null {
  const seeds = options.seeds ?? 25;
  const liveness = options.liveness ?? true;
  const specs: RunSpec[] = (options.schedules ?? []).map((s) => ({
    seed: s.options.seed,
    servers: s.options.servers ?? 3,
    faults: s.faults,
    untilMs: Math.max(s.untilMs, Math.max(0, ...s.faults.map((f) => f.atMs)) + 2500),
    options: s.options,
  }));
  for (const servers of options.servers ?? [3, 5]) {
    const ids: NodeId[] = Array.from({ length: servers }, (_, i) => `n${i + 1}`);
    for (let seed = 1; seed <= seeds; seed++) {
      const faults = randomRaftFaults(seed, {
        servers: ids,
        durationMs: FAULTS_END_MS,
        clients: ["c1", "c2"],
      });
      specs.push({ seed, servers, faults, untilMs: RUN_UNTIL_MS });
    }
  }
  for (const spec of specs) {
    const failed = check(rules, spec, liveness);
    if (failed === null) continue;
    const faults = shrinkFaults(
      spec.faults,
      (candidate) => check(rules, { ...spec, faults: candidate }, liveness)?.kind === failed.kind,
      { maxRuns: 60 },
    );
    const final = check(rules, { ...spec, faults }, liveness) ?? failed;
    const shown = liveness && faults.length > 0
      ? [...faults, ...healAll(Math.max(0, ...faults.map((f) => f.atMs)) + 1, spec.servers)]
      : faults;
    return {
      problem: final.problem,
      seed: spec.seed,
      servers: spec.servers,
      faults: shown,
      log: render(final.events, final),
    };
  }
  return null;
}

/** Formats a failure for a test message: the problem, how to replay, the log. */
export function formatRuleFailure(failure: RuleCheckFailure): string {
  return [
    failure.problem,
    `Replay: seed ${failure.seed}, ${failure.servers} servers. Minimal fault schedule:`,
    ...(failure.faults.length > 0
      ? failure.faults.map((f) => `  ${f.atMs}ms ${describeFault(f)}`)
      : ["  (none: it fails without any fault)"]),
    "The run up to the failure, one event per line (faults, roles, terms, commits, votes):",
    failure.log,
  ].join("\n");
}
