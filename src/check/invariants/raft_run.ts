/**
 * One checked run of a Raft KV cluster: build it, apply a fault schedule, run it while a
 * monitor snapshots the logs, and return every invariant violation with the client history.
 * The unit of work of the lab tests and the fault-schedule search.
 *
 * @module
 */

import type { OpEvent } from "../../sim/mod.ts";
import type { RaftViolation } from "./raft.ts";
import { logMatching, raftTraceViolations } from "./raft.ts";
import type { RaftCluster, RaftClusterOptions } from "../../consensus/raft/cluster.ts";
import { createRaftCluster, raftKvHistory, raftSnapshot } from "../../consensus/raft/cluster.ts";

/** Options of {@linkcode runCheckedRaft}: a cluster plus how long to run and check. */
export interface CheckedRaftOptions extends RaftClusterOptions {
  /** Virtual time to run. @default 3000 */
  untilMs?: number;
  /** How often the Log Matching monitor snapshots every log. @default 50 */
  checkEveryMs?: number;
}

/** What a checked run found. */
export interface CheckedRaftResult {
  cluster: RaftCluster;
  /** Violations, earliest first, one per distinct message. */
  violations: RaftViolation[];
  history: OpEvent[];
}

/**
 * Runs a cluster under a fault schedule and checks Election Safety, Log Matching, Leader
 * Completeness and State Machine Safety.
 *
 * @example
 * ```ts
 * import { runCheckedRaft } from "./raft_run.ts";
 * const result = runCheckedRaft({ seed: 4, clients: 2, operations: 5, untilMs: 2000,
 *   faults: [{ atMs: 600, kind: "crash", node: "n1" }, { atMs: 1200, kind: "restart", node: "n1" }] });
 * if (result.violations.length !== 0) throw new Error(result.violations[0].message);
 * ```
 */
export function runCheckedRaft(options: CheckedRaftOptions): CheckedRaftResult {
  const untilMs = options.untilMs ?? 3000;
  const everyMs = options.checkEveryMs ?? 50;
  if (!(everyMs > 0)) {
    throw new RangeError(`runCheckedRaft option checkEveryMs must be > 0, got ${everyMs}`);
  }
  const cluster = createRaftCluster({ ...options, trace: "full" });
  const { sim, servers } = cluster;
  const found: RaftViolation[] = [];
  const monitor = () => {
    for (const v of logMatching(raftSnapshot(sim, servers))) found.push({ ...v, atMs: sim.now });
  };
  for (let t = everyMs; t <= untilMs; t += everyMs) sim.at(t, monitor);
  sim.run({ untilMs });
  const all = [...raftTraceViolations(sim.trace.events), ...found]
    .sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity));
  const seen = new Set<string>();
  const violations = all.filter((v) => {
    const key = v.invariant + v.nodes.join();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { cluster, violations, history: raftKvHistory(sim) };
}
