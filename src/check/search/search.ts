/**
 * The fault-schedule search: property-based testing of a distributed protocol in the style of
 * Jepsen's nemesis and TigerBeetle's VOPR. fast-check generates a case (a simulation
 * seed, a nemesis schedule and a client workload), the caller's factory builds the
 * simulation, the runner applies the faults, runs to the horizon and asks every invariant
 * checker for violations. On a violation fast-check shrinks the case to a minimal one,
 * and the result carries that schedule as data and as lines, the trace around the violation,
 * and the `{seed, path}` that replays it.
 *
 * Guarantees: deterministic — the same target, options and seed explore the same cases
 * (the kernel is deterministic and fast-check is seeded; the default seed is fixed, never the
 * clock). Every run is bounded by `maxEventsPerRun` events and the target's horizon.
 * Non-goals: proving absence of bugs; a clean search only says that this budget found none.
 *
 * This is the one search of the project: Raft (`raftSearchTarget`, also behind the labs'
 * `findRuleFailure`), Paxos and every later pattern are targets of it, so every counterexample
 * anywhere prints a `{seed, path}` that {@linkcode replay} reruns.
 *
 * ## Plugging a pattern in (sagas, replication, CRDTs, ...)
 * Write one {@linkcode SearchTarget} in `check/search/<pattern>_target.ts` (the check layer
 * imports the pattern; the pattern never imports the search):
 * 1. `nodes` the nemesis may hit, and `clients` it must leave alone (they join a side of each
 *    partition);
 * 2. `build(testCase)`: a fresh `Simulation` seeded with `testCase.seed`, trace kept, with the
 *    generated `testCase.workload` wired in, typically as a scripted client node that sends one
 *    request per operation at its `atMs`;
 * 3. `invariants`: functions from the completed run (trace events, client history) to
 *    violations; reuse the monitors of `check/invariants/` and `linearizable()`;
 * 4. optionally `faults` (verbs, their weights, steps, and a `horizonMs` that ends faults before
 *    a recovery phase), `workload` (operations, keys, clients) and `leader(sim)` to enable the
 *    leader-aimed verbs.
 * Then pin a test that a known-broken variant is caught within the default budget and the
 * correct one survives a large one. `search_test.ts` has a complete small example (a
 * primary-backup register whose broken primary acknowledges before any backup holds the write).
 *
 * @module
 */

import fc from "fast-check";
import type { Fault, Message, NodeId, OpEvent, Simulation, TraceEvent } from "../../sim/mod.ts";
import { combineHashes, describeFault, formatTime, renderTrace } from "../../sim/mod.ts";
import {
  clientWorkload,
  faultSchedule,
  type FaultScheduleConstraints,
  isLeaderFault,
  LEADER_KINDS,
  type LeaderFault,
  type NemesisFault,
  type WorkloadConstraints,
  type WorkloadOp,
} from "./arbitraries.ts";
import type { InvariantViolation } from "./violation.ts";

export type { InvariantViolation } from "./violation.ts";
export * from "./arbitraries.ts";

/** One generated test case: everything needed to rebuild and rerun a simulation. */
export interface SearchCase {
  /** The simulation seed. */
  seed: number;
  /** The nemesis schedule, sorted by time. */
  faults: NemesisFault[];
  /** The client workload, sorted by time. */
  workload: WorkloadOp[];
}

/** What a checker sees after a run. */
export interface CompletedRun<M extends Message = Message> {
  sim: Simulation<M>;
  events: readonly TraceEvent[];
  history: readonly OpEvent[];
  testCase: SearchCase;
}

/** An invariant monitor: returns the violations in a completed run (empty when safe). */
export type InvariantChecker<M extends Message = Message> = (
  run: CompletedRun<M>,
) => InvariantViolation[];

/** The system under search. */
export interface SearchTarget<M extends Message = Message> {
  /** The nodes the nemesis may hit (clients are usually left alone). */
  nodes: readonly string[];
  /** Client nodes: never faulted, placed on one side of each partition. @default [] */
  clients?: readonly string[];
  /**
   * Who leads right now (null: nobody), for the `crash-leader`, `isolate-leader` and `leader-churn` verbs.
   * Targets without a leader leave it out and cannot use those verbs.
   */
  leader?: (sim: Simulation<M>) => NodeId | null;
  /** How long each run lasts, in ms of true time. */
  horizonMs: number;
  /**
   * Builds a fresh simulation for a case, with the workload wired in (for instance as a
   * scripted client node). It must use `testCase.seed` and keep the trace ("full").
   */
  build(testCase: SearchCase): Simulation<M>;
  /** The invariants every run must keep. */
  invariants: readonly InvariantChecker<M>[];
  /**
   * Shape of the nemesis schedules; faults happen before `faults.horizonMs` (default: the
   * target's `horizonMs`, earlier when the run ends with a recovery phase). @default every
   * verb but the leader-aimed ones, at most 6 steps
   */
  faults?: Partial<FaultScheduleConstraints>;
  /** Shape of the workloads. @default no workload */
  workload?: Omit<WorkloadConstraints, "horizonMs">;
  /** State keys too chatty for a counterexample's trace excerpt. @default [] */
  quietStateKeys?: readonly string[];
}

/** Options of {@linkcode search}. */
export interface SearchOptions {
  /** fast-check seed. @default 1 */
  seed?: number;
  /** Cases to try before declaring success (the `*-search` experiments use the same). @default 300 */
  numRuns?: number;
  /** A fast-check path, to replay one case (see {@linkcode replay}). */
  path?: string;
  /** Each run stops after this many simulation events (not a violation). @default 50_000 */
  maxEventsPerRun?: number;
  /** Whether to shrink a failing case. @default true */
  shrink?: boolean;
  /** How many trace lines to keep in the excerpt. @default 40 */
  traceLines?: number;
  /**
   * Cases tried before the generated ones (hand-made fixtures such as Figure 8); they count
   * towards `numRuns`, and a replay needs the same list. @default []
   */
  examples?: readonly SearchCase[];
  /** Called after every case run with the count so far and `numRuns`. */
  onProgress?: (done: number, total: number) => void;
}

/** The outcome of a run of one case. */
export interface CaseOutcome<M extends Message = Message> {
  violations: InvariantViolation[];
  sim: Simulation<M>;
  /** True when the run hit `maxEventsPerRun` before the horizon. */
  truncated: boolean;
}

/** What {@linkcode search} found. */
export interface SearchResult {
  /** True when no case violated an invariant. */
  ok: boolean;
  /** Scenarios run, including those run while shrinking. */
  casesRun: number;
  /** Of `casesRun`, the runs made while shrinking a failure (0 for a passing search). */
  shrinkRuns: number;
  /**
   * A digest of the traces of the scenarios searched before any shrinking (each run's trace
   * hash, in order): two searches that ran different scenarios have different digests.
   */
  scenariosDigest: string;
  /** Scenarios generated before the first failure (or all of them). */
  numRuns: number;
  /** Successful shrink steps. */
  numShrinks: number;
  /** Runs stopped by `maxEventsPerRun`. */
  truncatedRuns: number;
  /** The fast-check seed used. */
  seed: number;
  /** The violations of the minimal case (empty when ok). */
  violations: InvariantViolation[];
  /** The minimal failing case. */
  counterexample?: SearchCase;
  /** Its size: faults plus workload operations. */
  counterexampleSize?: number;
  /** The minimal schedule and workload as lines, e.g. `120.000ms nemesis crash n2`. */
  schedule?: string[];
  /** The trace leading to the first violation, rendered with renderTrace. */
  trace?: string;
  /** What replays the counterexample: `replay(target, result.replay)`. */
  replay?: { seed: number; path: string };
}

function check<M extends Message>(
  target: SearchTarget<M>,
  options: { maxEventsPerRun: number },
): (testCase: SearchCase) => CaseOutcome<M> {
  return (testCase) => {
    const sim = target.build(testCase);
    sim.schedule(testCase.faults.filter((f) => !isLeaderFault(f)) as Fault[]);
    for (const fault of testCase.faults) {
      if (isLeaderFault(fault)) sim.at(fault.atMs, () => hitLeader(target, sim, fault));
    }
    let truncated = false;
    sim.run({
      untilMs: target.horizonMs,
      until: () => (truncated = sim.stats.events >= options.maxEventsPerRun),
    });
    const run: CompletedRun<M> = {
      sim,
      events: sim.trace.events,
      history: sim.history,
      testCase,
    };
    const violations = target.invariants.flatMap((checker) => checker(run));
    violations.sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity));
    return { violations, sim, truncated };
  };
}

// Resolves the leader when the step fires and applies the kernel faults to it; the trace
// records them as ordinary faults (`nemesis crash n2`).
function hitLeader<M extends Message>(
  target: SearchTarget<M>,
  sim: Simulation<M>,
  fault: LeaderFault,
): void {
  const leader = target.leader!(sim);
  if (leader === null) return;
  if (fault.kind === "crash-leader") {
    sim.schedule([{ atMs: sim.now, kind: "crash", node: leader }]);
    if (fault.restartAtMs !== null) {
      sim.schedule([{ atMs: fault.restartAtMs, kind: "restart", node: leader }]);
    }
    return;
  }
  const rest = [
    ...target.nodes.filter((n) => n !== leader),
    ...(target.clients ?? []).filter((c) => !fault.clientsWithLeader.includes(c)),
  ];
  sim.schedule([{
    atMs: sim.now,
    kind: "partition",
    groups: [[leader, ...fault.clientsWithLeader], rest],
  }]);
  if (fault.healAtMs !== null) sim.schedule([{ atMs: fault.healAtMs, kind: "heal" }]);
}

/**
 * Renders a schedule entry, e.g. `crash n2` or `isolate-leader with c1, heal at 800.000ms`.
 *
 * @example
 * ```ts
 * import { describeNemesis } from "./search.ts";
 * describeNemesis({ atMs: 5, kind: "crash-leader", restartAtMs: null }); // "crash-leader"
 * ```
 */
export function describeNemesis(fault: NemesisFault): string {
  if (!isLeaderFault(fault)) return describeFault(fault);
  if (fault.kind === "crash-leader") {
    return `crash-leader${
      fault.restartAtMs === null ? "" : `, restart at ${formatTime(fault.restartAtMs)}`
    }`;
  }
  const clients = fault.clientsWithLeader.length
    ? ` with ${fault.clientsWithLeader.join(",")}`
    : "";
  return `isolate-leader${clients}${
    fault.healAtMs === null ? "" : `, heal at ${formatTime(fault.healAtMs)}`
  }`;
}

/**
 * Runs one case against a target (no search): build, schedule faults, run, check.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { runCase } from "./search.ts";
 * const target = {
 *   nodes: ["n1"], horizonMs: 100, invariants: [],
 *   build: (s: { seed: number }) => new Simulation({ seed: s.seed }).addNode("n1", () => ({ onMessage() {} })),
 * };
 * runCase(target, { seed: 1, faults: [{ atMs: 5, kind: "crash", node: "n1" }], workload: [] }).violations; // []
 * ```
 */
export function runCase<M extends Message>(
  target: SearchTarget<M>,
  testCase: SearchCase,
  options: { maxEventsPerRun?: number } = {},
): CaseOutcome<M> {
  return check(target, { maxEventsPerRun: options.maxEventsPerRun ?? 50_000 })(testCase);
}

/**
 * The fast-check arbitrary of cases for a target.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { Simulation } from "../../sim/mod.ts";
 * import { caseArbitrary } from "./search.ts";
 * const target = { nodes: ["n1"], horizonMs: 100, invariants: [], build: () => new Simulation({ seed: 1 }) };
 * fc.sample(caseArbitrary(target), { seed: 1, numRuns: 1 })[0].workload; // []
 * ```
 */
export function caseArbitrary(target: SearchTarget<Message>): fc.Arbitrary<SearchCase> {
  const kinds = target.faults?.kinds ?? [];
  if (target.leader === undefined && kinds.some((k) => LEADER_KINDS.includes(k))) {
    throw new RangeError(
      `Search target uses a leader-aimed verb (${
        LEADER_KINDS.join(", ")
      }) but has no leader(sim) function`,
    );
  }
  const faults = faultSchedule(target.nodes, {
    clients: target.clients,
    ...target.faults,
    horizonMs: target.faults?.horizonMs ?? target.horizonMs,
  });
  const ops = target.workload
    ? clientWorkload(target.nodes, { ...target.workload, horizonMs: target.horizonMs })
    : fc.constant([] as WorkloadOp[]);
  return fc.record({ seed: fc.integer({ min: 1, max: 1_000_000 }), faults, workload: ops });
}

/**
 * Renders a case as one line per fault and client operation, in time order, e.g.
 * `120.000ms nemesis crash n2` and `40.000ms client 1 propose n3 7`.
 *
 * @example
 * ```ts
 * import { describeCase } from "./search.ts";
 * describeCase({ seed: 9, faults: [{ atMs: 120, kind: "crash", node: "n2" }], workload: [] });
 * // ["seed 9", "120.000ms nemesis crash n2"]
 * ```
 */
export function describeCase(testCase: SearchCase): string[] {
  const lines: { t: number; text: string }[] = [
    ...testCase.faults.map((f) => ({ t: f.atMs, text: `nemesis ${describeNemesis(f)}` })),
    ...testCase.workload.map((op) => ({
      t: op.atMs,
      text: `client ${op.process} ${op.f} ${op.node}${op.key ? ` ${op.key}` : ""} ${op.value}`,
    })),
  ];
  lines.sort((a, b) => a.t - b.t);
  return [`seed ${testCase.seed}`, ...lines.map((l) => `${formatTime(l.t)} ${l.text}`)];
}

/**
 * The trace up to the first violation: faults, crashes, state changes and the last
 * messages before it, at most `lines` lines.
 *
 * @example
 * ```ts
 * import { traceExcerpt } from "./search.ts";
 * traceExcerpt([{ t: 1, kind: "crash", node: "n1" }], { invariant: "x", message: "", atMs: 2 });
 * // "1.000ms n1 CRASH"
 * ```
 */
export function traceExcerpt(
  events: readonly TraceEvent[],
  violation: InvariantViolation | undefined,
  lines = 40,
  quietStateKeys: readonly string[] = [],
): string {
  const until = violation?.atMs ?? Infinity;
  const upTo = events.filter((e) => e.t <= until && EXCERPT_KINDS.includes(e.kind));
  const quiet = new Set(quietStateKeys);
  const keep = new Set(
    upTo.filter((e) =>
      e.kind === "fault" || e.kind === "crash" || e.kind === "restart" ||
      (e.kind === "state" && !quiet.has(e.key))
    ),
  );
  // Always keep the milestones; fill the rest with the most recent other events.
  const milestones = [...keep].slice(-lines);
  const recent = upTo.filter((e) => !keep.has(e)).slice(-Math.max(0, lines - milestones.length));
  const chosen = new Set<TraceEvent>([...milestones, ...recent]);
  return renderTrace(upTo.filter((e) => chosen.has(e)), { kinds: EXCERPT_KINDS });
}

/** Event kinds a trace excerpt shows. */
const EXCERPT_KINDS: TraceEvent["kind"][] = [
  "send",
  "drop",
  "crash",
  "restart",
  "fault",
  "state",
  "log",
  "op",
];

/**
 * Searches for a case that breaks an invariant of `target`, and shrinks it.
 *
 * @param target The system under test (a factory plus invariants).
 * @param options Budget and seed.
 * @returns The verdict; on failure, the minimal counterexample and how to replay it.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { search } from "./search.ts";
 * // A toy system that "breaks" whenever a node crashes.
 * const target = {
 *   nodes: ["n1", "n2"], horizonMs: 100,
 *   build: (s: { seed: number }) => new Simulation({ seed: s.seed })
 *     .addNode("n1", () => ({ onMessage() {} })).addNode("n2", () => ({ onMessage() {} })),
 *   invariants: [(run: { events: readonly { kind: string; t: number }[] }) =>
 *     run.events.filter((e) => e.kind === "crash").map((e) => ({ invariant: "no-crash", message: "crashed", atMs: e.t }))],
 *   faults: { kinds: ["crash", "partition"] as const },
 * };
 * const result = search(target, { seed: 7, numRuns: 50 });
 * result.ok; // false
 * result.counterexampleSize; // 1 (a single crash)
 * ```
 */
export function search<M extends Message>(
  target: SearchTarget<M>,
  options: SearchOptions = {},
): SearchResult {
  const seed = options.seed ?? 1;
  const numRuns = options.numRuns ?? 300;
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`search seed must be an integer, got ${seed}`);
  }
  if (!(Number.isInteger(numRuns) && numRuns >= 1)) {
    throw new RangeError(`search numRuns must be an integer >= 1, got ${numRuns}`);
  }
  const maxEventsPerRun = options.maxEventsPerRun ?? 50_000;
  if (!(Number.isInteger(maxEventsPerRun) && maxEventsPerRun >= 1)) {
    throw new RangeError(`search maxEventsPerRun must be an integer >= 1, got ${maxEventsPerRun}`);
  }
  const runOne = check(target, { maxEventsPerRun });
  let casesRun = 0;
  let truncatedRuns = 0;
  let shrinkRuns = 0;
  let failed = false;
  let scenariosDigest = combineHashes(["scenarios"]);
  const property = fc.property(
    caseArbitrary(target as unknown as SearchTarget<Message>),
    (testCase) => {
      const outcome = runOne(testCase);
      casesRun++;
      // fast-check only shrinks after a failure: every run after the first failing one is a
      // shrink step, not a scenario of the search.
      if (failed) shrinkRuns++;
      else scenariosDigest = combineHashes([scenariosDigest, outcome.sim.trace.hash()]);
      if (outcome.violations.length > 0) failed = true;
      if (outcome.truncated) truncatedRuns++;
      options.onProgress?.(Math.min(casesRun, numRuns), numRuns);
      return outcome.violations.length === 0;
    },
  );
  const details = fc.check(property, {
    seed,
    numRuns,
    path: options.path,
    examples: (options.examples ?? []).map((testCase) => [testCase] as [SearchCase]),
    endOnFailure: options.shrink === false,
  });
  const base = {
    casesRun,
    shrinkRuns,
    scenariosDigest,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    truncatedRuns,
    seed: details.seed,
  };
  if (!details.failed || details.counterexample === null) {
    return { ok: true, ...base, violations: [] };
  }
  const counterexample = details.counterexample[0];
  const outcome = runOne(counterexample);
  return {
    ok: false,
    ...base,
    violations: outcome.violations,
    counterexample,
    counterexampleSize: counterexample.faults.length + counterexample.workload.length,
    schedule: describeCase(counterexample),
    trace: traceExcerpt(
      outcome.sim.trace.events,
      outcome.violations[0],
      options.traceLines,
      target.quietStateKeys,
    ),
    replay: { seed: details.seed, path: details.counterexamplePath! },
  };
}

/**
 * Replays a counterexample from its `{seed, path}` (as printed by {@linkcode search}) without
 * searching or shrinking again. The target must be built the same way as when it was found.
 *
 * @example
 * ```ts ignore
 * const found = search(target, { seed: 3 });
 * const again = replay(target, found.replay!);
 * again.violations; // the same violations
 * ```
 */
export function replay<M extends Message>(
  target: SearchTarget<M>,
  at: { seed: number; path: string },
  options: Omit<SearchOptions, "seed" | "path" | "numRuns" | "shrink"> = {},
): SearchResult {
  return search(target, { ...options, seed: at.seed, path: at.path, shrink: false });
}
