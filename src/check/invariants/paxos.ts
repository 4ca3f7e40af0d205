/**
 * Invariant monitors for Paxos and Multi-Paxos, computed from a trace ("Paxos Made Simple"
 * §2.1, the safety requirements):
 *
 * - **agreement**: at most one value is chosen per slot — both as learners report it (state
 *   key `chosen`) and as the acceptors' own state implies (a value accepted by a majority of
 *   acceptors at one ballot, from state key `accepted`);
 * - **validity**: only a proposed value (state key `proposed`) or an allowed filler such as
 *   the no-op is chosen.
 *
 * They read only the trace, so they work on any run (tests, the search, pages), and they live
 * apart from the protocol they check.
 *
 * @module
 */

import { formatTime, type TraceEvent } from "../../sim/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/** A value chosen for a slot, when, and by whom (a learner, or `ballot b` for acceptors). */
export interface ChosenValue {
  slot: number;
  value: string;
  atMs: number;
  by: string;
}

function stateEvents(events: readonly TraceEvent[], key: string) {
  const out: { t: number; node: string; value: Record<string, unknown> }[] = [];
  for (const e of events) {
    if (e.kind === "state" && e.key === key && typeof e.value === "object" && e.value !== null) {
      out.push({ t: e.t, node: e.node, value: e.value as Record<string, unknown> });
    }
  }
  return out;
}

/**
 * Values chosen per slot as learners reported them (state key `chosen`), in trace order.
 *
 * @example
 * ```ts
 * import { learnedValues } from "./paxos.ts";
 * learnedValues([{ t: 3, kind: "state", node: "n1", key: "chosen", value: { slot: 0, value: "a" } }]);
 * // [{ slot: 0, value: "a", atMs: 3, by: "n1" }]
 * ```
 */
export function learnedValues(events: readonly TraceEvent[]): ChosenValue[] {
  return stateEvents(events, "chosen").map((e) => ({
    slot: Number(e.value.slot),
    value: String(e.value.value),
    atMs: e.t,
    by: e.node,
  }));
}

/**
 * Values chosen per slot as the acceptors' state implies: the first time a majority of
 * `acceptorCount` acceptors has accepted the same value at the same ballot. Votes are never
 * withdrawn (as in Lamport's Voting specification): an acceptor that later accepts a higher
 * ballot still voted for the earlier one.
 *
 * @example
 * ```ts
 * import { acceptorChosenValues } from "./paxos.ts";
 * const vote = (t: number, node: string) =>
 *   ({ t, kind: "state", node, key: "accepted", value: { slot: 0, ballot: "1.n1", value: "a" } }) as const;
 * acceptorChosenValues([vote(1, "n1"), vote(2, "n2")], 3).length; // 1
 * ```
 */
export function acceptorChosenValues(
  events: readonly TraceEvent[],
  acceptorCount: number,
): ChosenValue[] {
  const quorum = Math.floor(acceptorCount / 2) + 1;
  // slot -> "ballot|value" -> acceptors that accepted it (and still count for it).
  const votes = new Map<number, Map<string, Set<string>>>();
  const out: ChosenValue[] = [];
  const seen = new Set<string>();
  for (const e of stateEvents(events, "accepted")) {
    const slot = Number(e.value.slot);
    const key = `${String(e.value.ballot)}|${String(e.value.value)}`;
    let bySlot = votes.get(slot);
    if (!bySlot) votes.set(slot, bySlot = new Map());
    let voters = bySlot.get(key);
    if (!voters) bySlot.set(key, voters = new Set());
    voters.add(e.node);
    if (voters.size >= quorum && !seen.has(`${slot}|${key}`)) {
      seen.add(`${slot}|${key}`);
      out.push({ slot, value: String(e.value.value), atMs: e.t, by: `ballot ${e.value.ballot}` });
    }
  }
  return out;
}

function conflicts(chosen: ChosenValue[], invariant: string, source: string): InvariantViolation[] {
  const first = new Map<number, ChosenValue>();
  const out: InvariantViolation[] = [];
  for (const c of chosen) {
    const earlier = first.get(c.slot);
    if (!earlier) {
      first.set(c.slot, c);
    } else if (earlier.value !== c.value) {
      out.push({
        invariant,
        message:
          `Two values chosen for slot ${c.slot} (${source}): "${earlier.value}" (${earlier.by}, ${
            formatTime(earlier.atMs)
          }) and "${c.value}" (${c.by}, ${formatTime(c.atMs)})`,
        atMs: c.atMs,
        sinceMs: earlier.atMs,
      });
    }
  }
  return out;
}

/**
 * Paxos agreement: at most one value chosen per slot, from learners and from acceptor state.
 *
 * @param events A run's trace events.
 * @param options `acceptorCount`: how many acceptors there are (the quorum is a majority).
 * @returns The violations, earliest first; empty when the run is safe.
 *
 * @example
 * ```ts
 * import { paxosAgreement } from "./paxos.ts";
 * const events = [
 *   { t: 1, kind: "state", node: "n1", key: "chosen", value: { slot: 0, value: "a" } },
 *   { t: 2, kind: "state", node: "n2", key: "chosen", value: { slot: 0, value: "b" } },
 * ] as const;
 * paxosAgreement(events, { acceptorCount: 3 }).length; // 1
 * ```
 */
export function paxosAgreement(
  events: readonly TraceEvent[],
  options: { acceptorCount: number },
): InvariantViolation[] {
  if (!(Number.isInteger(options.acceptorCount) && options.acceptorCount > 0)) {
    throw new RangeError(
      `paxosAgreement option acceptorCount must be an integer > 0, got ${options.acceptorCount}`,
    );
  }
  const out = [
    ...conflicts(learnedValues(events), "paxos-agreement", "as learned"),
    ...conflicts(
      acceptorChosenValues(events, options.acceptorCount),
      "paxos-agreement",
      "by acceptor majorities",
    ),
  ];
  return out.sort((a, b) => (a.atMs ?? 0) - (b.atMs ?? 0));
}

/**
 * Paxos validity: only proposed values (or the given fillers, e.g. a no-op) are chosen.
 *
 * @example
 * ```ts
 * import { paxosValidity } from "./paxos.ts";
 * const events = [
 *   { t: 1, kind: "state", node: "c", key: "proposed", value: { value: "a" } },
 *   { t: 2, kind: "state", node: "n1", key: "chosen", value: { slot: 0, value: "z" } },
 * ] as const;
 * paxosValidity(events).length; // 1
 * ```
 */
export function paxosValidity(
  events: readonly TraceEvent[],
  options: { fillers?: readonly string[] } = {},
): InvariantViolation[] {
  const proposed = new Set(stateEvents(events, "proposed").map((e) => String(e.value.value)));
  for (const filler of options.fillers ?? []) proposed.add(filler);
  const out: InvariantViolation[] = [];
  for (const c of learnedValues(events)) {
    if (!proposed.has(c.value)) {
      out.push({
        invariant: "paxos-validity",
        message: `Value "${c.value}" chosen for slot ${c.slot} by ${c.by} was never proposed`,
        atMs: c.atMs,
      });
    }
  }
  return out;
}
