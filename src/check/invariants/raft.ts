/**
 * Monitors for Raft's safety properties (Figure 3 of the Raft paper), usable on any kernel
 * trace of Raft servers and on snapshots of their state. They return violations as plain data
 * with a human message; tests, the fault-schedule search and the pages all reuse them.
 *
 * What the monitors read (the server adapter traces it with `rt.state`):
 * - `term` and `role` changes: Election Safety (§5.2: at most one leader per term).
 * - `apply` = `"index:term:client#seq"` per applied entry: State Machine Safety (§5.4.3: no two
 *   servers apply different commands at the same index).
 * - `leaderLog` = the terms of a new leader's log: Leader Completeness (§5.4: an entry
 *   committed in term U is in the log of every leader of a term above U). An entry counts as
 *   committed in U when a leader of term U applies it.
 * - snapshots of every log: Log Matching (§5.3: equal index and term imply equal prefixes).
 *
 * Checkers live apart from the code they check (TigerBeetle style): nothing here imports Raft.
 *
 * @module
 */

import type { NodeId, TraceEvent } from "../../sim/mod.ts";

/** The four properties of Figure 3 that the monitors check. */
export type RaftInvariant =
  | "election-safety"
  | "log-matching"
  | "leader-completeness"
  | "state-machine-safety";

/** One violation, as data. */
export interface RaftViolation {
  invariant: RaftInvariant;
  /** A sentence naming what went wrong, with the values involved. */
  message: string;
  /** True time of the event that exposed it (ms); absent for snapshot checks. */
  atMs?: number;
  nodes: NodeId[];
}

/** A server's log as the Log Matching monitor sees it. */
export interface RaftLogSnapshot {
  id: NodeId;
  log: readonly { term: number; digest: string }[];
}

type StateEvent = Extract<TraceEvent, { kind: "state" }>;

function stateEvents(events: readonly TraceEvent[]): StateEvent[] {
  return events.filter((e): e is StateEvent => e.kind === "state");
}

/**
 * Election Safety: at most one leader can be elected in a given term (§5.2).
 *
 * @example
 * ```ts
 * import { electionSafety } from "./raft.ts";
 * const events = [
 *   { t: 1, kind: "state", node: "n1", key: "term", value: 2 },
 *   { t: 1, kind: "state", node: "n1", key: "role", value: "leader" },
 *   { t: 2, kind: "state", node: "n2", key: "term", value: 2 },
 *   { t: 2, kind: "state", node: "n2", key: "role", value: "leader" },
 * ] as const;
 * if (electionSafety(events).length !== 1) throw new Error("two leaders in term 2");
 * ```
 */
export function electionSafety(events: readonly TraceEvent[]): RaftViolation[] {
  const term = new Map<NodeId, number>();
  const leaderOf = new Map<number, NodeId>();
  const out: RaftViolation[] = [];
  for (const e of stateEvents(events)) {
    if (e.key === "term") term.set(e.node, e.value as number);
    if (e.key !== "role" || e.value !== "leader") continue;
    const t = term.get(e.node) ?? 0;
    const other = leaderOf.get(t);
    if (other === undefined) leaderOf.set(t, e.node);
    else if (other !== e.node) {
      out.push({
        invariant: "election-safety",
        message:
          `Election Safety violated: ${other} and ${e.node} were both elected leader in term ${t}`,
        atMs: e.t,
        nodes: [other, e.node],
      });
    }
  }
  return out;
}

/**
 * State Machine Safety: no two servers apply different commands at the same index (§5.4.3).
 *
 * @example
 * ```ts
 * import { stateMachineSafety } from "./raft.ts";
 * const events = [
 *   { t: 1, kind: "state", node: "n1", key: "apply", value: "1:1:c1#1" },
 *   { t: 2, kind: "state", node: "n2", key: "apply", value: "1:2:c2#1" },
 * ] as const;
 * if (stateMachineSafety(events).length !== 1) throw new Error("index 1 differs");
 * ```
 */
export function stateMachineSafety(events: readonly TraceEvent[]): RaftViolation[] {
  const applied = new Map<number, { node: NodeId; entry: string }>();
  const out: RaftViolation[] = [];
  const reported = new Set<number>();
  for (const e of stateEvents(events)) {
    if (e.key !== "apply") continue;
    const text = String(e.value);
    const colon = text.indexOf(":");
    const index = Number(text.slice(0, colon));
    const entry = text.slice(colon + 1);
    const first = applied.get(index);
    if (first === undefined) applied.set(index, { node: e.node, entry });
    else if (first.entry !== entry && !reported.has(index)) {
      reported.add(index);
      out.push({
        invariant: "state-machine-safety",
        message:
          `State Machine Safety violated: at index ${index} ${first.node} applied ${first.entry} (term:command) but ${e.node} applied ${entry}`,
        atMs: e.t,
        nodes: [first.node, e.node],
      });
    }
  }
  return out;
}

/**
 * Leader Completeness: an entry committed in term U is present in the log of every leader of
 * a term above U, whenever that leader was elected (§5.4).
 *
 * @example
 * ```ts
 * import { leaderCompleteness } from "./raft.ts";
 * const events = [
 *   { t: 1, kind: "state", node: "n1", key: "term", value: 2 },
 *   { t: 1, kind: "state", node: "n1", key: "role", value: "leader" },
 *   { t: 2, kind: "state", node: "n1", key: "apply", value: "1:1:c1#1" },
 *   { t: 3, kind: "state", node: "n2", key: "term", value: 3 },
 *   { t: 3, kind: "state", node: "n2", key: "role", value: "leader" },
 *   { t: 3, kind: "state", node: "n2", key: "leaderLog", value: [] },
 * ] as const;
 * if (leaderCompleteness(events).length !== 1) throw new Error("n2 lacks entry 1");
 * ```
 */
export function leaderCompleteness(events: readonly TraceEvent[]): RaftViolation[] {
  const term = new Map<NodeId, number>();
  const role = new Map<NodeId, string>();
  const committed: { index: number; entryTerm: number; term: number; node: NodeId }[] = [];
  const leaders: { node: NodeId; term: number; log: readonly number[] }[] = [];
  const out: RaftViolation[] = [];
  const seen = new Set<string>();
  const check = (
    c: (typeof committed)[number],
    l: (typeof leaders)[number],
    t: number,
  ) => {
    if (l.term <= c.term || l.log[c.index - 1] === c.entryTerm) return;
    const key = `${c.index}/${c.term}/${l.node}/${l.term}`;
    if (seen.has(key)) return;
    seen.add(key);
    const has = l.log[c.index - 1];
    out.push({
      invariant: "leader-completeness",
      message:
        `Leader Completeness violated: entry ${c.index} (term ${c.entryTerm}) was committed by ${c.node} in term ${c.term}, but ${l.node} became leader of term ${l.term} with ${
          has === undefined ? "no entry there" : `a term-${has} entry there`
        }`,
      atMs: t,
      nodes: [c.node, l.node],
    });
  };
  for (const e of stateEvents(events)) {
    switch (e.key) {
      case "term":
        term.set(e.node, e.value as number);
        break;
      case "role":
        role.set(e.node, e.value as string);
        break;
      case "leaderLog": {
        const leader = { node: e.node, term: term.get(e.node) ?? 0, log: e.value as number[] };
        leaders.push(leader);
        for (const c of committed) check(c, leader, e.t);
        break;
      }
      case "apply": {
        if (role.get(e.node) !== "leader") break;
        const [index, entryTerm] = String(e.value).split(":").map(Number);
        const c = { index, entryTerm, term: term.get(e.node) ?? 0, node: e.node };
        committed.push(c);
        for (const l of leaders) check(c, l, e.t);
        break;
      }
    }
  }
  return out;
}

/**
 * Log Matching: if two logs contain an entry with the same index and term, the logs are
 * identical in all entries up through that index (§5.3).
 *
 * @example
 * ```ts
 * import { logMatching } from "./raft.ts";
 * const a = { id: "n1", log: [{ term: 1, digest: "c1#1" }, { term: 2, digest: "c1#2" }] };
 * const b = { id: "n2", log: [{ term: 1, digest: "c2#1" }, { term: 2, digest: "c1#2" }] };
 * if (logMatching([a, b]).length !== 1) throw new Error("index 1 differs under a matching index 2");
 * ```
 */
export function logMatching(snapshots: readonly RaftLogSnapshot[]): RaftViolation[] {
  const out: RaftViolation[] = [];
  for (let i = 0; i < snapshots.length; i++) {
    for (let j = i + 1; j < snapshots.length; j++) {
      const a = snapshots[i], b = snapshots[j];
      // The highest index where both logs hold the same term...
      let top = Math.min(a.log.length, b.log.length);
      while (top > 0 && a.log[top - 1].term !== b.log[top - 1].term) top--;
      // ...must sit on identical prefixes.
      for (let k = 0; k < top; k++) {
        const x = a.log[k], y = b.log[k];
        if (x.term === y.term && x.digest === y.digest) continue;
        const where = k + 1 === top
          ? `hold different entries at index ${top} with the same term ${x.term}`
          : `agree on index ${top} (term ${a.log[top - 1].term}) but differ at index ${k + 1}`;
        out.push({
          invariant: "log-matching",
          message:
            `Log Matching violated: ${a.id} and ${b.id} ${where}: ${x.term}/${x.digest} vs ${y.term}/${y.digest}`,
          nodes: [a.id, b.id],
        });
        break;
      }
    }
  }
  return out;
}

/**
 * Every trace-based monitor at once: Election Safety, Leader Completeness, State Machine
 * Safety. Add {@linkcode logMatching} on snapshots for the fourth property.
 *
 * @example
 * ```ts
 * import { raftTraceViolations } from "./raft.ts";
 * if (raftTraceViolations([]).length !== 0) throw new Error("an empty trace is safe");
 * ```
 */
export function raftTraceViolations(events: readonly TraceEvent[]): RaftViolation[] {
  return [
    ...electionSafety(events),
    ...leaderCompleteness(events),
    ...stateMachineSafety(events),
  ].sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity));
}
