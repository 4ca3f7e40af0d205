/**
 * Invariant monitors for sagas (Garcia-Molina and Salem 1987, §1), computed from a trace:
 *
 * - **saga atomicity**: once faults stop, every begun saga ends committed (every step's effect
 *   in place) or compensated (no effect left): none stuck, none half-done. The verdict reads
 *   the services' own effects (state key `effect`), not the orchestrator's claim (state key
 *   `saga`), so an orchestrator that gives up on a compensation and says "compensated" is caught;
 * - **applied once**: no `(saga, step)` takes effect twice (§6: steps are re-submitted after
 *   failures, so they must be idempotent).
 *
 * They read only the trace, so tests, the search, experiments and pages share them.
 *
 * @module
 */

import type { TraceEvent } from "../../sim/mod.ts";
import type { InvariantViolation } from "../search/violation.ts";

/** How a saga ended: committed, compensated, or stuck (not ended, or ended half-done). */
export type SagaOutcome = "committed" | "compensated" | "stuck";

/** One saga's verdict. */
export interface SagaVerdict {
  sagaId: string;
  outcome: SagaOutcome;
  /** What the orchestrator's log says (null: it never ended the saga, or forgot it). */
  claimed: "committed" | "compensated" | null;
  /** Steps whose effect is in place at the end, per the services. */
  applied: number[];
  /** True when some but not all steps' effects are in place. */
  halfDone: boolean;
  /** When the orchestrator ended it, if it did. */
  endedAtMs: number | null;
}

interface SagaRecord {
  sagaId: string;
  kind?: string;
  outcome?: "committed" | "compensated";
}

interface EffectRecord {
  sagaId: string;
  step: number;
  effect: string;
}

function stateValues<T>(events: readonly TraceEvent[], key: string) {
  const out: { t: number; node: string; value: T }[] = [];
  for (const e of events) {
    if (e.kind === "state" && e.key === key && typeof e.value === "object" && e.value !== null) {
      out.push({ t: e.t, node: e.node, value: e.value as T });
    }
  }
  return out;
}

/**
 * Classifies every saga of a run. A saga is `committed` when the orchestrator ended it so and
 * every step's effect is in place, `compensated` when it ended so and no effect is left, and
 * `stuck` otherwise.
 *
 * @param events The run's trace.
 * @param options `steps`: the number of steps per saga; `sagaIds`: sagas that should exist
 * (default: every saga seen in the trace).
 * @returns One verdict per saga, in order of first appearance (then `sagaIds` order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaOutcomes } from "./transactions.ts";
 * const state = (t: number, node: string, key: string, value: unknown) =>
 *   ({ t, kind: "state", node, key, value }) as const;
 * const verdicts = sagaOutcomes([
 *   state(1, "o", "saga", { sagaId: "s1", kind: "begin" }),
 *   state(2, "inventory", "effect", { sagaId: "s1", step: 0, effect: "done" }),
 *   state(3, "o", "saga", { sagaId: "s1", kind: "end", outcome: "compensated" }),
 * ], { steps: 2 });
 * assert.equal(verdicts[0].outcome, "stuck"); // says compensated, but step 0 is still applied
 * assert.equal(verdicts[0].halfDone, true);
 * ```
 */
export function sagaOutcomes(
  events: readonly TraceEvent[],
  options: { steps: number; sagaIds?: readonly string[] },
): SagaVerdict[] {
  const ids: string[] = [];
  const claimed = new Map<string, { outcome: "committed" | "compensated"; t: number }>();
  const effects = new Map<string, Map<number, string>>();
  const see = (id: string) => {
    if (!effects.has(id)) {
      ids.push(id);
      effects.set(id, new Map());
    }
  };
  for (const id of options.sagaIds ?? []) see(id);
  for (const e of events) {
    if (e.kind !== "state" || typeof e.value !== "object" || e.value === null) continue;
    if (e.key === "saga") {
      const record = e.value as SagaRecord;
      see(record.sagaId);
      if (record.kind === "end" && record.outcome) {
        claimed.set(record.sagaId, { outcome: record.outcome, t: e.t });
      }
    } else if (e.key === "effect") {
      const effect = e.value as EffectRecord;
      see(effect.sagaId);
      effects.get(effect.sagaId)!.set(effect.step, effect.effect);
    }
  }
  return ids.map((sagaId) => {
    const mine = effects.get(sagaId)!;
    const applied = [...mine].filter(([, effect]) => effect === "done").map(([step]) => step)
      .sort((a, b) => a - b);
    const claim = claimed.get(sagaId) ?? null;
    const all = applied.length === options.steps;
    const none = applied.length === 0;
    const outcome: SagaOutcome = claim?.outcome === "committed" && all
      ? "committed"
      : claim?.outcome === "compensated" && none
      ? "compensated"
      : "stuck";
    return {
      sagaId,
      outcome,
      claimed: claim?.outcome ?? null,
      applied,
      halfDone: !all && !none,
      endedAtMs: claim?.t ?? null,
    };
  });
}

/**
 * Saga atomicity: every saga ended committed or fully compensated. Call it on a run whose
 * faults stopped long enough before its end for recovery to finish.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaAtomicity } from "./transactions.ts";
 * const violations = sagaAtomicity([
 *   { t: 1, kind: "state", node: "o", key: "saga", value: { sagaId: "s1", kind: "begin" } },
 * ], { steps: 1 });
 * assert.match(violations[0].message, /s1 is stuck/);
 * ```
 */
export function sagaAtomicity(
  events: readonly TraceEvent[],
  options: { steps: number; sagaIds?: readonly string[] },
): InvariantViolation[] {
  const end = events.length ? events[events.length - 1].t : 0;
  return sagaOutcomes(events, options).filter((v) => v.outcome === "stuck").map((v) => ({
    invariant: "saga-atomicity",
    message: `Saga ${v.sagaId} is stuck: the orchestrator ${
      v.claimed ? `says ${v.claimed}` : "never ended it"
    } and steps [${v.applied.join(", ")}] of ${options.steps} are applied${
      v.halfDone ? " (half-done)" : ""
    }`,
    atMs: v.endedAtMs ?? end,
  }));
}

/**
 * No `(saga, step)` takes effect twice: services must recognise a re-submitted step (§6).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaAppliedOnce } from "./transactions.ts";
 * const applied = { sagaId: "s1", step: 0, effect: "done" };
 * const e = (t: number) => ({ t, kind: "state", node: "inventory", key: "effect", value: applied }) as const;
 * assert.equal(sagaAppliedOnce([e(1)]).length, 0);
 * assert.match(sagaAppliedOnce([e(1), e(9)])[0].message, /applied 2 times/);
 * ```
 */
export function sagaAppliedOnce(events: readonly TraceEvent[]): InvariantViolation[] {
  const seen = new Map<string, { times: number[]; node: string; value: EffectRecord }>();
  for (const { t, node, value } of stateValues<EffectRecord>(events, "effect")) {
    if (value.effect !== "done") continue;
    const key = `${value.sagaId}/${value.step}`;
    const entry = seen.get(key) ?? { times: [], node, value };
    entry.times.push(t);
    seen.set(key, entry);
  }
  return [...seen.values()].filter((e) => e.times.length > 1).map((e) => ({
    invariant: "saga-applied-once",
    message: `Step ${e.value.step} of saga ${e.value.sagaId} was applied ${e.times.length} ` +
      `times at ${e.node}`,
    atMs: e.times[1],
    sinceMs: e.times[0],
  }));
}

/**
 * Compensations run in reverse (§1: Cj..C1): within a saga, each step undone is below the one
 * undone before it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sagaCompensationOrder } from "./transactions.ts";
 * const undo = (t: number, step: number) =>
 *   ({ t, kind: "state", node: "n", key: "effect", value: { sagaId: "s1", step, effect: "undone" } }) as const;
 * assert.equal(sagaCompensationOrder([undo(1, 1), undo(2, 0)]).length, 0);
 * assert.match(sagaCompensationOrder([undo(1, 0), undo(2, 1)])[0].message, /step 1 after step 0/);
 * ```
 */
export function sagaCompensationOrder(events: readonly TraceEvent[]): InvariantViolation[] {
  const last = new Map<string, { step: number; t: number }>();
  const out: InvariantViolation[] = [];
  for (const { t, value } of stateValues<EffectRecord>(events, "effect")) {
    if (value.effect !== "undone") continue;
    const before = last.get(value.sagaId);
    if (before && value.step >= before.step) {
      out.push({
        invariant: "saga-compensation-order",
        message: `Saga ${value.sagaId} compensated step ${value.step} after step ${before.step}: ` +
          `compensations must run in reverse`,
        atMs: t,
        sinceMs: before.t,
      });
    }
    last.set(value.sagaId, { step: value.step, t });
  }
  return out;
}

/** What happened to the outbox's events in a run. */
export interface OutboxCounts {
  /** Events written to the outbox (with their state change). */
  written: number;
  /** Deliveries the consumer saw, duplicates included. */
  delivered: number;
  /** Deliveries of an event the consumer had already seen. */
  duplicatesDelivered: number;
  /** Effects applied more than once (duplicates the consumer did not filter). */
  duplicatesApplied: number;
  /** Written events the consumer never saw. */
  lost: number;
}

function outboxTally(events: readonly TraceEvent[]) {
  const written = new Map<string, number>();
  const delivered = new Map<string, { n: number; applied: number[] }>();
  for (const e of events) {
    if (e.kind !== "state" || typeof e.value !== "object" || e.value === null) continue;
    const value = e.value as { eventId: string; event?: string; applied?: boolean };
    if (e.key === "outbox" && value.event === "written") written.set(value.eventId, e.t);
    if (e.key === "consumed") {
      const entry = delivered.get(value.eventId) ?? { n: 0, applied: [] };
      entry.n++;
      if (value.applied) entry.applied.push(e.t);
      delivered.set(value.eventId, entry);
    }
  }
  return { written, delivered };
}

/**
 * Counts outbox events, deliveries, duplicates and losses from a trace (state keys `outbox`
 * and `consumed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxCounts } from "./transactions.ts";
 * const s = (t: number, key: string, value: unknown) => ({ t, kind: "state", node: "n", key, value }) as const;
 * const counts = outboxCounts([
 *   s(1, "outbox", { eventId: "e1", event: "written" }),
 *   s(5, "consumed", { eventId: "e1", applied: true }),
 *   s(9, "consumed", { eventId: "e1", applied: false }),
 * ]);
 * assert.deepEqual(counts, { written: 1, delivered: 2, duplicatesDelivered: 1, duplicatesApplied: 0, lost: 0 });
 * ```
 */
export function outboxCounts(events: readonly TraceEvent[]): OutboxCounts {
  const { written, delivered } = outboxTally(events);
  let total = 0, duplicatesDelivered = 0, duplicatesApplied = 0;
  for (const { n, applied } of delivered.values()) {
    total += n;
    duplicatesDelivered += n - 1;
    duplicatesApplied += Math.max(0, applied.length - 1);
  }
  const lost = [...written.keys()].filter((id) => !delivered.has(id)).length;
  return { written: written.size, delivered: total, duplicatesDelivered, duplicatesApplied, lost };
}

/**
 * The outbox loses no event: every event written with its state change reaches the consumer.
 * Call it on a run whose faults stopped long enough before its end for the relay to catch up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxNoLoss } from "./transactions.ts";
 * const written = { t: 1, kind: "state", node: "orders", key: "outbox", value: { eventId: "e1", event: "written" } } as const;
 * assert.match(outboxNoLoss([written])[0].message, /e1 was written .* never delivered/);
 * ```
 */
export function outboxNoLoss(events: readonly TraceEvent[]): InvariantViolation[] {
  const { written, delivered } = outboxTally(events);
  const end = events.length ? events[events.length - 1].t : 0;
  return [...written].filter(([id]) => !delivered.has(id)).map(([id, t]) => ({
    invariant: "outbox-no-loss",
    message: `Event ${id} was written to the outbox at ${t.toFixed(1)} ms but never delivered`,
    atMs: end,
    sinceMs: t,
  }));
}

/**
 * Effectively-once: no event's effect is applied twice by the consumer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outboxAppliedOnce } from "./transactions.ts";
 * const c = (t: number) => ({ t, kind: "state", node: "consumer", key: "consumed", value: { eventId: "e1", applied: true } }) as const;
 * assert.equal(outboxAppliedOnce([c(1)]).length, 0);
 * assert.match(outboxAppliedOnce([c(1), c(4)])[0].message, /e1 was applied 2 times/);
 * ```
 */
export function outboxAppliedOnce(events: readonly TraceEvent[]): InvariantViolation[] {
  const { delivered } = outboxTally(events);
  return [...delivered].filter(([, d]) => d.applied.length > 1).map(([id, d]) => ({
    invariant: "outbox-applied-once",
    message: `Event ${id} was applied ${d.applied.length} times by the consumer`,
    atMs: d.applied[1],
    sinceMs: d.applied[0],
  }));
}

/** One 2PC participant's uncertainty period for one transaction (BHG §7.4). */
export interface TwoPhaseBlockedInterval {
  txId: string;
  participant: string;
  /** When it voted Yes (logged `prepared`). */
  fromMs: number;
  /** When it learned (or, broken, made up) the outcome; null if still uncertain at the end. */
  toMs: number | null;
  outcome: "committed" | "aborted" | null;
}

/**
 * Every participant's uncertainty period from a 2PC trace (state key `tx`): the time between
 * voting Yes and learning the outcome, during which it holds its locks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseBlocked } from "./transactions.ts";
 * const tx = (t: number, event: string) => ({ t, kind: "state", node: "p1", key: "tx", value: { txId: "t1", event } }) as const;
 * assert.deepEqual(twoPhaseBlocked([tx(2, "prepared"), tx(30, "committed")]), [
 *   { txId: "t1", participant: "p1", fromMs: 2, toMs: 30, outcome: "committed" },
 * ]);
 * ```
 */
export function twoPhaseBlocked(events: readonly TraceEvent[]): TwoPhaseBlockedInterval[] {
  const open = new Map<string, TwoPhaseBlockedInterval>();
  const out: TwoPhaseBlockedInterval[] = [];
  for (const { t, node, value } of stateValues<{ txId: string; event: string }>(events, "tx")) {
    const key = `${value.txId}@${node}`;
    if (value.event === "prepared") {
      const interval: TwoPhaseBlockedInterval = {
        txId: value.txId,
        participant: node,
        fromMs: t,
        toMs: null,
        outcome: null,
      };
      open.set(key, interval);
      out.push(interval);
    } else if (value.event === "committed" || value.event === "aborted") {
      const interval = open.get(key);
      if (interval) {
        interval.toMs = t;
        interval.outcome = value.event;
        open.delete(key);
      }
    }
  }
  return out;
}

/**
 * 2PC atomicity: no transaction commits at one participant and aborts at another.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseAtomicity } from "./transactions.ts";
 * const tx = (t: number, node: string, event: string) => ({ t, kind: "state", node, key: "tx", value: { txId: "t1", event } }) as const;
 * assert.equal(twoPhaseAtomicity([tx(1, "p1", "committed"), tx(2, "p2", "committed")]).length, 0);
 * assert.match(twoPhaseAtomicity([tx(1, "p1", "committed"), tx(2, "p2", "aborted")])[0].message,
 *   /t1 committed at p1 but aborted at p2/);
 * ```
 */
export function twoPhaseAtomicity(events: readonly TraceEvent[]): InvariantViolation[] {
  const first = new Map<
    string,
    { committed?: { node: string; t: number }; aborted?: { node: string; t: number } }
  >();
  const out: InvariantViolation[] = [];
  for (const { t, node, value } of stateValues<{ txId: string; event: string }>(events, "tx")) {
    if (value.event !== "committed" && value.event !== "aborted") continue;
    const seen = first.get(value.txId) ?? {};
    if (seen[value.event]) continue;
    seen[value.event] = { node, t };
    first.set(value.txId, seen);
    if (seen.committed && seen.aborted) {
      out.push({
        invariant: "2pc-atomicity",
        message:
          `Transaction ${value.txId} committed at ${seen.committed.node} but aborted at ${seen.aborted.node}`,
        atMs: t,
        sinceMs: Math.min(seen.committed.t, seen.aborted.t),
      });
    }
  }
  return out;
}
