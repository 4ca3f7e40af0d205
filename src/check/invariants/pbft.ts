/**
 * Invariant monitors for PBFT, computed from a trace (Castro and Liskov §4.5.1, safety): no two
 * correct replicas execute different requests at the same sequence number. Replicas named by a
 * `byzantine` fault are not held to it (a Byzantine replica may execute, or claim, anything);
 * replicas that merely crash are correct until they stop.
 *
 * They read only the trace (state key `executed`, value `{seq, digest}`, and fault events), so
 * they serve unit tests, the search, the experiments and the page alike.
 *
 * @module
 */

import { formatTime, type NodeId, type TraceEvent } from "../../sim/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/**
 * The nodes a `byzantine` fault hit during the trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byzantineNodes } from "./pbft.ts";
 * const fault = { atMs: 0, kind: "byzantine", node: "r1", behaviour: "silent" } as const;
 * assert.deepEqual([...byzantineNodes([{ t: 0, kind: "fault", fault }])], ["r1"]);
 * ```
 */
export function byzantineNodes(events: readonly TraceEvent[]): Set<NodeId> {
  const out = new Set<NodeId>();
  for (const e of events) {
    if (e.kind === "fault" && e.fault.kind === "byzantine") out.add(e.fault.node);
  }
  return out;
}

/** One execution a replica traced: a request (by digest) at a sequence number. */
export interface PbftExecution {
  node: NodeId;
  seq: number;
  digest: string;
  atMs: number;
}

/**
 * Every execution traced (state key `executed`), in trace order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftExecutions } from "./pbft.ts";
 * const e = { t: 4, kind: "state", node: "r2", key: "executed", value: { seq: 1, digest: "d" } } as const;
 * assert.deepEqual(pbftExecutions([e]), [{ node: "r2", seq: 1, digest: "d", atMs: 4 }]);
 * ```
 */
export function pbftExecutions(events: readonly TraceEvent[]): PbftExecution[] {
  const out: PbftExecution[] = [];
  for (const e of events) {
    if (e.kind !== "state" || e.key !== "executed") continue;
    const value = e.value as { seq: number; digest: string };
    out.push({ node: e.node, seq: value.seq, digest: value.digest, atMs: e.t });
  }
  return out;
}

/**
 * PBFT safety: correct replicas agree on the request executed at each sequence number.
 * Returns one violation per conflicting pair found (the first execution of each sequence
 * number against each later disagreeing one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftAgreement } from "./pbft.ts";
 * const exec = (t: number, node: string, digest: string) =>
 *   ({ t, kind: "state", node, key: "executed", value: { seq: 1, digest } }) as const;
 * assert.equal(pbftAgreement([exec(1, "r1", "a"), exec(2, "r2", "a")]).length, 0);
 * assert.match(pbftAgreement([exec(1, "r1", "a"), exec(2, "r2", "null")])[0].message, /sequence number 1/);
 * ```
 */
export function pbftAgreement(events: readonly TraceEvent[]): InvariantViolation[] {
  const byzantine = byzantineNodes(events);
  const first = new Map<number, PbftExecution>();
  const out: InvariantViolation[] = [];
  for (const x of pbftExecutions(events)) {
    if (byzantine.has(x.node)) continue;
    const earlier = first.get(x.seq);
    if (earlier === undefined) {
      first.set(x.seq, x);
    } else if (earlier.digest !== x.digest) {
      out.push({
        invariant: "pbft-agreement",
        message:
          `Correct replicas executed different requests at sequence number ${x.seq}: ${earlier.node} executed "${earlier.digest}" at ${
            formatTime(earlier.atMs)
          }, ${x.node} executed "${x.digest}" at ${formatTime(x.atMs)}`,
        atMs: x.atMs,
        sinceMs: earlier.atMs,
      });
    }
  }
  return out;
}
