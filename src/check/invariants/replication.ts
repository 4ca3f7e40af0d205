/**
 * Invariant monitors and anomaly counters for replication, computed from a trace or from
 * what clients saw (their session logs), so they live apart from the protocols they check:
 *
 * - **split brain** (fencing, Kleppmann DDIA ch. 5 "Handling Node Outages"): at most one
 *   replica accepts writes in any one epoch (state key `accept`, value `{epoch, index, value}`);
 * - **acknowledged writes lost**: a write a client saw acknowledged is missing from the final
 *   authoritative state (DDIA ch. 5, "Failover": "the most common solution is for the old
 *   leader's unreplicated writes to simply be discarded");
 * - **session guarantees** (Terry et al., "Session Guarantees for Weakly Consistent Replicated
 *   Data", §3): read-your-writes and monotonic reads, judged by the versions replicas report.
 *
 * Non-goals: linearizability (use `checkHistory` on the same run's history).
 *
 * @module
 */

import { formatTime, type TraceEvent } from "../../sim/mod.ts";
import { compareVersions, type ReplicaVersion } from "../../replication/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/**
 * Split brain: two replicas accepted writes in the same epoch.
 *
 * @param events A full trace of the run.
 * @returns One violation per epoch with more than one accepting replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitBrain } from "./replication.ts";
 * const accept = (t: number, node: string, epoch: number) =>
 *   ({ t, kind: "state" as const, node, key: "accept", value: { epoch, index: 1, value: t } });
 * assert.equal(splitBrain([accept(1, "n1", 1), accept(2, "n2", 2)]).length, 0);
 * assert.match(splitBrain([accept(1, "n1", 1), accept(5, "n2", 1)])[0].message, /n1 and n2/);
 * ```
 */
export function splitBrain(events: readonly TraceEvent[]): InvariantViolation[] {
  const first = new Map<number, { node: string; t: number }>();
  const reported = new Set<number>();
  const violations: InvariantViolation[] = [];
  for (const e of events) {
    if (e.kind !== "state" || e.key !== "accept") continue;
    const epoch = Number((e.value as { epoch?: unknown }).epoch);
    const seen = first.get(epoch);
    if (seen === undefined) first.set(epoch, { node: e.node, t: e.t });
    else if (seen.node !== e.node && !reported.has(epoch)) {
      reported.add(epoch);
      violations.push({
        invariant: "split-brain",
        message: `Two leaders accepted writes in epoch ${epoch}: ${seen.node} and ${e.node} (at ${
          formatTime(e.t)
        })`,
        atMs: e.t,
        sinceMs: seen.t,
      });
    }
  }
  return violations;
}

/** What the session checks need of one client operation. */
export interface SessionRecord {
  process: number;
  f: string;
  key: string;
  outcome: "ok" | "fail" | "unknown";
  /** The version written, or read (null: the replica had nothing for the key). */
  version: ReplicaVersion | null;
  value?: number | null;
}

/** The acknowledged writes missing from the final state, by value. */
export interface LostWrites {
  acknowledged: number;
  lost: number[];
}

/**
 * Acknowledged writes lost: every write a client saw `ok` whose value is not among
 * `survivors` (the values the final authoritative state holds, e.g. the last leader's log).
 * Values must be unique per write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acknowledgedWritesLost } from "./replication.ts";
 * const w = (value: number, outcome: "ok" | "unknown") =>
 *   ({ process: 1, f: "write", key: "x", outcome, version: null, value });
 * const result = acknowledgedWritesLost([w(1, "ok"), w(2, "ok"), w(3, "unknown")], [1]);
 * assert.deepEqual(result, { acknowledged: 2, lost: [2] });
 * ```
 */
export function acknowledgedWritesLost(
  sessions: readonly SessionRecord[],
  survivors: Iterable<number>,
): LostWrites {
  const kept = new Set(survivors);
  const acked = sessions.filter((s) => s.f === "write" && s.outcome === "ok");
  return {
    acknowledged: acked.length,
    lost: acked.map((s) => s.value as number).filter((v) => !kept.has(v)),
  };
}

/** Reads that broke a session guarantee. */
export interface SessionAnomalies {
  /** Reads older than a write the same client saw acknowledged on that key. */
  readYourWrites: SessionRecord[];
  /** Reads older than an earlier read by the same client on that key. */
  monotonicReads: SessionRecord[];
  /** Successful reads looked at. */
  reads: number;
}

/**
 * Session anomalies (Terry et al. §3) in the order clients completed operations. A read is
 * *stale* for read-your-writes when its version is older than the client's own latest
 * acknowledged write on that key, and breaks monotonic reads when older than a version the
 * client already read there. A read that breaks both counts in both lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sessionAnomalies } from "./replication.ts";
 * const op = (f: string, counter: number | null) => ({
 *   process: 1, f, key: "x", outcome: "ok" as const,
 *   version: counter === null ? null : { counter, writer: "" },
 * });
 * const result = sessionAnomalies([op("write", 5), op("read", 5), op("read", null)]);
 * assert.equal(result.readYourWrites.length, 1);
 * assert.equal(result.monotonicReads.length, 1);
 * ```
 */
export function sessionAnomalies(sessions: readonly SessionRecord[]): SessionAnomalies {
  const wrote = new Map<string, ReplicaVersion>();
  const read = new Map<string, ReplicaVersion>();
  const result: SessionAnomalies = { readYourWrites: [], monotonicReads: [], reads: 0 };
  const older = (v: ReplicaVersion | null, than: ReplicaVersion | undefined) =>
    than !== undefined && (v === null || compareVersions(v, than) < 0);
  for (const s of sessions) {
    if (s.outcome !== "ok") continue;
    const slot = `${s.process}\u0000${s.key}`;
    if (s.f === "write") {
      if (s.version !== null && older(wrote.get(slot) ?? null, s.version)) {
        wrote.set(slot, s.version);
      }
      continue;
    }
    if (s.f !== "read") continue;
    result.reads++;
    if (older(s.version, wrote.get(slot))) result.readYourWrites.push(s);
    if (older(s.version, read.get(slot))) result.monotonicReads.push(s);
    else if (s.version !== null) read.set(slot, s.version);
  }
  return result;
}
