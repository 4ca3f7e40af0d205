/**
 * The EPaxos consistency invariant (Moraru et al., SOSP 2013, §4.2, Theorem 2 "execution
 * consistency"): if two conflicting commands are executed by two replicas, both execute them
 * in the same order.
 *
 * @module
 */

import {
  type EpaxosCommand,
  epaxosConflicts,
  type EpaxosInstanceId,
} from "../../consensus/epaxos/mod.ts";
import type { NodeId } from "../../sim/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/** One instance a replica executed, with its command. */
export interface EpaxosExecution {
  id: EpaxosInstanceId;
  command: EpaxosCommand;
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
  const first = replicas[0];
  for (const other of replicas.slice(1)) {
    const mine = executions[first];
    for (let i = 0; i < mine.length; i++) {
      for (let j = i + 1; j < mine.length; j++) {
        const a = mine[i], b = mine[j];
        if (!epaxosConflicts(a.command, b.command)) continue;
        const pa = position.get(other)!.get(a.id), pb = position.get(other)!.get(b.id);
        if (pa === undefined || pb === undefined || pa < pb) continue;
        out.push({
          invariant: "epaxos-execution-consistency",
          message:
            `Conflicting commands on key ${a.command.key} executed in opposite orders: ${first} ran ${a.id} before ${b.id}, ${other} ran ${b.id} before ${a.id}`,
        });
      }
    }
  }
  return out;
}
