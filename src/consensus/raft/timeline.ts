/**
 * Turns a trace of Raft servers into role intervals — who was follower, candidate or leader,
 * in which term, from when to when — the data of election timelines.
 *
 * @module
 */

import type { NodeId, TraceEvent } from "../../sim/mod.ts";

/** One stretch of time a server spent in one role and term (`down` while crashed). */
export interface RoleInterval {
  node: NodeId;
  role: "follower" | "pre-candidate" | "candidate" | "leader" | "down";
  term: number;
  startMs: number;
  endMs: number;
}

/**
 * Role intervals per server from `term`/`role` state events and crash/restart events.
 *
 * @example
 * ```ts
 * import { roleIntervals } from "./timeline.ts";
 * const events = [
 *   { t: 0, kind: "state", node: "n1", key: "role", value: "follower" },
 *   { t: 5, kind: "state", node: "n1", key: "term", value: 1 },
 *   { t: 5, kind: "state", node: "n1", key: "role", value: "candidate" },
 * ] as const;
 * const intervals = roleIntervals(events, 10);
 * if (intervals.length !== 2 || intervals[1].role !== "candidate") throw new Error("two stretches");
 * ```
 */
export function roleIntervals(events: readonly TraceEvent[], endMs: number): RoleInterval[] {
  const out: RoleInterval[] = [];
  const open = new Map<NodeId, RoleInterval>();
  const term = new Map<NodeId, number>();
  const switchTo = (node: NodeId, role: RoleInterval["role"], t: number) => {
    const current = open.get(node);
    const nodeTerm = term.get(node) ?? 0;
    if (current !== undefined) {
      if (current.role === role && current.term === nodeTerm) return;
      current.endMs = t;
      if (current.endMs > current.startMs) out.push(current);
    }
    open.set(node, { node, role, term: nodeTerm, startMs: t, endMs: endMs });
  };
  for (const e of events) {
    if (e.kind === "crash") switchTo(e.node, "down", e.t);
    if (e.kind !== "state") continue;
    if (e.key === "term") {
      term.set(e.node, e.value as number);
      const current = open.get(e.node);
      if (current !== undefined && current.role !== "down") switchTo(e.node, current.role, e.t);
    } else if (e.key === "role") {
      switchTo(e.node, e.value as RoleInterval["role"], e.t);
    }
  }
  for (const interval of open.values()) {
    interval.endMs = Math.max(interval.startMs, endMs);
    out.push(interval);
  }
  return out.sort((a, b) => a.node < b.node ? -1 : a.node > b.node ? 1 : a.startMs - b.startMs);
}
