/**
 * Invariant monitors for EPaxos (Moraru, Andersen and Kaminsky, SOSP 2013, §4.2 and §4.5):
 * - consistency (Theorem 1): every replica commits an instance with the same command, seq and
 *   deps;
 * - dependency visibility (Lemma 1): of two committed conflicting commands, at least one has
 *   the other in its deps;
 * - execution consistency (Theorem 2): two replicas that execute two conflicting commands
 *   execute them in the same order.
 *
 * The trace monitors read only state changes the replicas trace (`committed` with
 * `{id, command, seq, deps}`, `executed` with `{id, command}`), so they serve unit tests, the
 * search, the experiment and the page alike. Linearizability of client histories is checked by
 * the linearizability checker (model `kv`), not here.
 *
 * @module
 */

import {
  type EpaxosCommand,
  epaxosConflicts,
  type EpaxosInstanceId,
} from "../../consensus/epaxos/mod.ts";
import { formatTime, type NodeId, type TraceEvent } from "../../sim/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/** One instance a replica executed, with its command (null for a no-op). */
export interface EpaxosExecution {
  id: EpaxosInstanceId;
  command: EpaxosCommand | null;
}

/**
 * Reports every pair of conflicting commands that two replicas executed in opposite orders.
 *
 * @param executions Per replica, the instances it executed, in execution order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosExecutionConsistency } from "./epaxos.ts";
 * const a = { id: "r1.1", command: { key: "x", op: "write" as const } };
 * const b = { id: "r2.1", command: { key: "x", op: "write" as const } };
 * assert.equal(epaxosExecutionConsistency({ r1: [a, b], r2: [a, b] }).length, 0);
 * assert.match(epaxosExecutionConsistency({ r1: [a, b], r2: [b, a] })[0].message, /r1.1 before r2.1/);
 * ```
 */
export function epaxosExecutionConsistency(
  executions: Readonly<Record<NodeId, readonly EpaxosExecution[]>>,
): InvariantViolation[] {
  const replicas = Object.keys(executions).sort();
  const out: InvariantViolation[] = [];
  const position = new Map<NodeId, Map<EpaxosInstanceId, number>>();
  for (const r of replicas) position.set(r, new Map(executions[r].map((e, i) => [e.id, i])));
  // Every pair of replicas, but one report per pair of commands is enough.
  const reported = new Set<string>();
  for (let x = 0; x < replicas.length; x++) {
    const first = replicas[x];
    const mine = executions[first];
    for (const other of replicas.slice(x + 1)) {
      for (let i = 0; i < mine.length; i++) {
        for (let j = i + 1; j < mine.length; j++) {
          const a = mine[i], b = mine[j];
          if (a.command === null || b.command === null) continue;
          if (!epaxosConflicts(a.command, b.command)) continue;
          const pa = position.get(other)!.get(a.id), pb = position.get(other)!.get(b.id);
          if (pa === undefined || pb === undefined || pa < pb) continue;
          const pair = `${a.id}|${b.id}`;
          if (reported.has(pair)) continue;
          reported.add(pair);
          out.push({
            invariant: "epaxos-execution-consistency",
            message:
              `Conflicting commands on key ${a.command.key} executed in opposite orders: ${first} ran ${a.id} before ${b.id}, ${other} ran ${b.id} before ${a.id}`,
          });
        }
      }
    }
  }
  return out;
}

/** One commit a replica traced. */
export interface EpaxosCommitEvent {
  node: NodeId;
  atMs: number;
  id: EpaxosInstanceId;
  command: EpaxosCommand | null;
  seq: number;
  deps: EpaxosInstanceId[];
  /** Set by the replica that decided it. */
  path?: "fast" | "slow" | "recovery";
}

/**
 * Every commit traced (state key `committed`), in trace order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosCommits } from "./epaxos.ts";
 * const value = { id: "r1.1", command: null, seq: 0, deps: [] };
 * assert.equal(epaxosCommits([{ t: 3, kind: "state", node: "r2", key: "committed", value }])[0].node, "r2");
 * ```
 */
export function epaxosCommits(events: readonly TraceEvent[]): EpaxosCommitEvent[] {
  const out: EpaxosCommitEvent[] = [];
  for (const e of events) {
    if (e.kind !== "state" || e.key !== "committed") continue;
    const v = e.value as Omit<EpaxosCommitEvent, "node" | "atMs">;
    out.push({ node: e.node, atMs: e.t, ...v });
  }
  return out;
}

/**
 * Per replica, the commands it executed in order (state key `executed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosExecutions } from "./epaxos.ts";
 * const value = { id: "r1.1", command: { key: "x", op: "read" } };
 * assert.deepEqual(epaxosExecutions([{ t: 3, kind: "state", node: "r2", key: "executed", value }]), { r2: [value] });
 * ```
 */
export function epaxosExecutions(
  events: readonly TraceEvent[],
): Record<NodeId, EpaxosExecution[]> {
  const out: Record<NodeId, EpaxosExecution[]> = {};
  for (const e of events) {
    if (e.kind !== "state" || e.key !== "executed") continue;
    const v = e.value as EpaxosExecution;
    (out[e.node] ??= []).push({ id: v.id, command: v.command });
  }
  return out;
}

const attributes = (c: EpaxosCommitEvent) =>
  JSON.stringify({ command: c.command, seq: c.seq, deps: [...c.deps].sort() });

/**
 * EPaxos consistency (Theorem 1): replicas commit each instance with the same attributes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosCommitConsistency } from "./epaxos.ts";
 * const commit = (node: string, seq: number) =>
 *   ({ t: seq, kind: "state", node, key: "committed", value: { id: "r1.1", command: null, seq, deps: [] } }) as const;
 * assert.equal(epaxosCommitConsistency([commit("r1", 1), commit("r2", 1)]).length, 0);
 * assert.match(epaxosCommitConsistency([commit("r1", 1), commit("r2", 2)])[0].message, /r1.1/);
 * ```
 */
export function epaxosCommitConsistency(events: readonly TraceEvent[]): InvariantViolation[] {
  const first = new Map<EpaxosInstanceId, EpaxosCommitEvent>();
  const out: InvariantViolation[] = [];
  for (const c of epaxosCommits(events)) {
    const earlier = first.get(c.id);
    if (earlier === undefined) {
      first.set(c.id, c);
    } else if (attributes(earlier) !== attributes(c)) {
      out.push({
        invariant: "epaxos-consistency",
        message: `Instance ${c.id} committed with different attributes: ${earlier.node} at ${
          formatTime(earlier.atMs)
        } ${attributes(earlier)}, ${c.node} at ${formatTime(c.atMs)} ${attributes(c)}`,
        atMs: c.atMs,
        sinceMs: earlier.atMs,
      });
    }
  }
  return out;
}

/**
 * EPaxos dependency visibility (Lemma 1): of two committed conflicting commands, one has the
 * other in its deps. Without it replicas may execute them in different orders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosDependencyVisibility } from "./epaxos.ts";
 * const commit = (id: string, deps: string[]) =>
 *   ({ t: 1, kind: "state", node: "r1", key: "committed", value: { id, command: { key: "x", op: "write" }, seq: 1, deps } }) as const;
 * assert.equal(epaxosDependencyVisibility([commit("r1.1", []), commit("r2.1", ["r1.1"])]).length, 0);
 * assert.match(epaxosDependencyVisibility([commit("r1.1", []), commit("r2.1", [])])[0].message, /neither/);
 * ```
 */
export function epaxosDependencyVisibility(events: readonly TraceEvent[]): InvariantViolation[] {
  const committed = new Map<EpaxosInstanceId, EpaxosCommitEvent>();
  for (const c of epaxosCommits(events)) if (!committed.has(c.id)) committed.set(c.id, c);
  const byKey = new Map<string, EpaxosCommitEvent[]>();
  for (const c of committed.values()) {
    if (c.command === null) continue;
    if (!byKey.has(c.command.key)) byKey.set(c.command.key, []);
    byKey.get(c.command.key)!.push(c);
  }
  const out: InvariantViolation[] = [];
  for (const list of byKey.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i], b = list[j];
        if (!epaxosConflicts(a.command!, b.command!)) continue;
        if (a.deps.includes(b.id) || b.deps.includes(a.id)) continue;
        out.push({
          invariant: "epaxos-dependency",
          message: `Conflicting commands ${a.id} and ${b.id} on key ${
            a.command!.key
          } committed with neither in the other's deps`,
          atMs: Math.max(a.atMs, b.atMs),
        });
      }
    }
  }
  return out;
}

/**
 * All three trace monitors at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosSafety } from "./epaxos.ts";
 * assert.deepEqual(epaxosSafety([]), []);
 * ```
 */
export function epaxosSafety(events: readonly TraceEvent[]): InvariantViolation[] {
  return [
    ...epaxosCommitConsistency(events),
    ...epaxosDependencyVisibility(events),
    ...epaxosExecutionConsistency(epaxosExecutions(events)),
  ];
}

/**
 * Convergence, a liveness property checked once every fault is healed: every replica executed
 * the same commands. With execution consistency (pairwise order) it means every replica ran the
 * same conflicting commands in the same order. A replica that missed commands nothing it holds
 * depends on fails it unless it catches up.
 *
 * @param replicas Every replica, so that one that executed nothing is reported too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosConvergence } from "./epaxos.ts";
 * const ran = (node: string, id: string) =>
 *   ({ t: 1, kind: "state", node, key: "executed", value: { id, command: { key: "x", op: "write" } } }) as const;
 * assert.equal(epaxosConvergence([ran("r1", "r1.1"), ran("r2", "r1.1")], ["r1", "r2"]).length, 0);
 * assert.match(epaxosConvergence([ran("r1", "r1.1")], ["r1", "r2"])[0].message, /r2 never executed r1.1/);
 * ```
 */
export function epaxosConvergence(
  events: readonly TraceEvent[],
  replicas: readonly NodeId[],
): InvariantViolation[] {
  const executions = epaxosExecutions(events);
  const ran = new Map(
    replicas.map((r) => [
      r,
      new Set((executions[r] ?? []).filter((e) => e.command !== null).map((e) => e.id)),
    ]),
  );
  const all = [...new Set([...ran.values()].flatMap((s) => [...s]))].sort();
  const out: InvariantViolation[] = [];
  for (const r of replicas) {
    const missing = all.filter((id) => !ran.get(r)!.has(id));
    if (missing.length === 0) continue;
    out.push({
      invariant: "epaxos-convergence",
      message: `Replica ${r} never executed ${missing.join(", ")}, which ${
        replicas.filter((o) => ran.get(o)!.has(missing[0])).join(", ")
      } executed`,
    });
  }
  return out;
}
