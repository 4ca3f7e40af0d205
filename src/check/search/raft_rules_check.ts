/**
 * Checks Raft with given decision rules (the labs' vote, append and commit rules) on the one
 * fault-schedule search ({@linkcode search} with {@linkcode raftSearchTarget}): hand-made
 * fixtures first (e.g. Figure 8), then generated schedules of the mixed nemesis on 3 and 5
 * servers. Every run has a safety phase (faults, the four invariant monitors and a
 * linearizability check of the clients' history) and then a liveness phase (everything healed:
 * a leader must be elected and client operations must complete). A failure comes back shrunk
 * by fast-check and rendered as a one-line-per-event log, with the `{seed, path}` that replays
 * it (`findRuleFailure(rules, { replay: failure.counterexample })`).
 *
 * @module
 */

import type { TraceEvent } from "../../sim/mod.ts";
import { formatTime, renderTrace } from "../../sim/mod.ts";
import type { RaftRules } from "../../consensus/raft/rules.ts";
import type { RaftBreakSchedule } from "./raft_fixtures.ts";
import type { RaftKvMessage } from "../../consensus/raft/server.ts";
import type { KvCommand } from "../../consensus/raft/kv.ts";
import type { AppendEntries } from "../../consensus/raft/types.ts";
import type { NemesisFault } from "./arbitraries.ts";
import { describeNemesis, runCase, search, type SearchCase, type SearchTarget } from "./search.ts";
import { raftSearchTarget } from "./raft_target.ts";

/** Options of {@linkcode findRuleFailure}. */
export interface RuleCheckOptions {
  /** Generated fault schedules tried per cluster size (the search's `numRuns`). @default 25 */
  seeds?: number;
  /** Cluster sizes. @default [3, 5] */
  servers?: readonly number[];
  /** Hand-made schedules tried first (e.g. Figure 8). @default [] */
  schedules?: readonly RaftBreakSchedule[];
  /** Check that the cluster recovers once faults end. @default true */
  liveness?: boolean;
  /** The fast-check seed of the search. @default 1 */
  searchSeed?: number;
  /** Replays one failure (its `counterexample`) instead of searching. */
  replay?: RuleCheckFailure["counterexample"];
}

/** A failing run, minimal and ready to print. */
export interface RuleCheckFailure {
  /** What broke, as a sentence. */
  problem: string;
  /** The simulation seed of the failing run. */
  seed: number;
  servers: number;
  /** The minimal fault schedule (leader-aimed steps resolve during the run). */
  faults: NemesisFault[];
  /** When the liveness phase healed everything, if it did. */
  healedAtMs: number | null;
  /** The run as a one-line-per-event log: faults, roles, terms, commits, up to the failure. */
  log: string;
  /**
   * What replays it: the search's `{seed, path}`, the cluster size, and which hand-made
   * schedule it came from (null: a generated one).
   */
  counterexample: { seed: number; path: string; servers: number; fixture: number | null };
}

// Generated schedules: faults for 2 s (the horizon the nemesis is tuned for), then 2.5 s of
// recovery, of which the last 1.5 s must see a client succeed.
const FAULTS_MS = 2000;
const RECOVERY_MS = 2500;

interface Plan {
  target: SearchTarget<RaftKvMessage>;
  servers: number;
  fixture: number | null;
  examples: SearchCase[];
  numRuns: number;
}

function fixturePlan(
  rules: RaftRules,
  s: RaftBreakSchedule,
  index: number,
  liveness: boolean,
): Plan {
  // The fixture's faults end where its schedule does; the search needs a horizon of 10 ms.
  const faultsEndMs = Math.max(10, ...s.faults.map((f) => f.atMs + 1));
  const horizonMs = Math.max(s.untilMs, faultsEndMs + (liveness ? RECOVERY_MS : 0));
  const o = s.options;
  const target = raftSearchTarget({
    rules,
    servers: o.servers ?? 3,
    clients: o.clients ?? 0,
    operations: o.operations,
    clientThinkMs: o.clientThinkMs,
    cluster: {
      electionTimeoutMinMs: o.electionTimeoutMinMs,
      electionTimeoutMaxMs: o.electionTimeoutMaxMs,
      heartbeatMs: o.heartbeatMs,
      clientTimeoutMs: o.clientTimeoutMs,
      preVote: o.preVote,
      network: o.network,
    },
    horizonMs,
    livenessMs: liveness ? horizonMs - faultsEndMs : 0,
  });
  return {
    target,
    servers: o.servers ?? 3,
    fixture: index,
    examples: [{ seed: o.seed, faults: s.faults, workload: [] }],
    numRuns: 1,
  };
}

function generatedPlan(rules: RaftRules, servers: number, seeds: number, liveness: boolean): Plan {
  const target = raftSearchTarget({
    rules,
    servers,
    clients: 2,
    operations: 400,
    clientThinkMs: 40,
    nemesis: "mixed",
    horizonMs: FAULTS_MS + (liveness ? RECOVERY_MS : 0),
    livenessMs: liveness ? RECOVERY_MS : 0,
  });
  return { target, servers, fixture: null, examples: [], numRuns: seeds };
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
 * import assert from "node:assert/strict";
 * import { findRuleFailure, formatRuleFailure } from "./raft_rules_check.ts";
 * import { countReplicasCommitRule } from "../../consensus/raft/rules.ts";
 * import { figure8Schedule } from "./raft_fixtures.ts";
 * const failure = findRuleFailure({ commit: countReplicasCommitRule }, {
 *   seeds: 0, schedules: [figure8Schedule(1)],
 * });
 * assert.notEqual(failure, null, "Figure 8 breaks the replica-counting commit rule");
 * assert.match(formatRuleFailure(failure!), /counterexample: \{"seed":1,"path":"0"/);
 * ```
 */
export function findRuleFailure(
  rules: RaftRules,
  options: RuleCheckOptions = {},
): RuleCheckFailure | null {
  const seeds = options.seeds ?? 25;
  if (!(Number.isInteger(seeds) && seeds >= 0)) {
    throw new RangeError(`findRuleFailure option seeds must be an integer >= 0, got ${seeds}`);
  }
  const liveness = options.liveness ?? true;
  const searchSeed = options.searchSeed ?? 1;
  const fixtures = options.schedules ?? [];
  let plans: Plan[] = [
    ...fixtures.map((s, i) => fixturePlan(rules, s, i, liveness)),
    ...(seeds > 0
      ? (options.servers ?? [3, 5]).map((n) => generatedPlan(rules, n, seeds, liveness))
      : []),
  ];
  const at = options.replay;
  if (at !== undefined) {
    plans = at.fixture === null
      ? [generatedPlan(rules, at.servers, 1, liveness)]
      : [fixturePlan(rules, fixtures[at.fixture], at.fixture, liveness)];
  }
  for (const plan of plans) {
    const result = search(plan.target, {
      seed: at?.seed ?? searchSeed,
      numRuns: plan.numRuns,
      examples: plan.examples,
      ...(at ? { path: at.path, shrink: false } : {}),
    });
    if (result.ok) continue;
    const testCase = result.counterexample!;
    const outcome = runCase(plan.target, testCase);
    const first = outcome.violations[0];
    const horizonMs = plan.target.horizonMs;
    const healedAtMs = plan.target.faults?.horizonMs ?? horizonMs;
    return {
      problem: first.message,
      seed: testCase.seed,
      servers: plan.servers,
      faults: testCase.faults,
      healedAtMs: liveness ? healedAtMs : null,
      log: render(outcome.sim.trace.events, {
        kind: first.invariant,
        problem: first.message,
        atMs: first.atMs ?? horizonMs,
      }),
      counterexample: {
        seed: result.replay!.seed,
        path: result.replay!.path,
        servers: plan.servers,
        fixture: plan.fixture,
      },
    };
  }
  return null;
}

/**
 * Formats a failure for a test message: the problem, the minimal schedule, the log, and the
 * `counterexample: {...}` line that replays it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRuleFailure } from "./raft_rules_check.ts";
 * const text = formatRuleFailure({
 *   problem: "Two leaders in term 1", seed: 9, servers: 3, faults: [], healedAtMs: null, log: "",
 *   counterexample: { seed: 1, path: "4", servers: 3, fixture: null },
 * });
 * assert.match(text, /^counterexample: \{"seed":1,"path":"4","servers":3,"fixture":null\}$/m);
 * ```
 */
export function formatRuleFailure(failure: RuleCheckFailure): string {
  const { counterexample } = failure;
  return [
    failure.problem,
    `Simulation seed ${failure.seed}, ${failure.servers} servers. Minimal fault schedule:`,
    ...(failure.faults.length > 0
      ? failure.faults.map((f) => `  ${formatTime(f.atMs)} ${describeNemesis(f)}`)
      : ["  (none: it fails without any fault)"]),
    ...(failure.healedAtMs !== null
      ? [`  ${formatTime(failure.healedAtMs)} heal everything (liveness phase)`]
      : []),
    "The run up to the failure, one event per line (faults, roles, terms, commits, votes):",
    failure.log,
    `counterexample: ${JSON.stringify(counterexample)}`,
    `Replay it with findRuleFailure(rules, { ...options, replay: ${
      JSON.stringify(counterexample)
    } }).`,
  ].join("\n");
}
