/**
 * The saga orchestrator's one decision, as a rule: given a saga's durable log, what to do next.
 * Because the rule reads only the log, the same code decides during normal running and after a
 * crash (Garcia-Molina and Salem §5: recovery rebuilds each saga's state from the saga log).
 * Known-broken rules are alternatives selected by name; the saga lab plugs learners' code in here.
 *
 * @module
 */

import type { SagaAction, SagaLogRecord } from "./saga.ts";

/** What a saga does next: send a request, or end with an outcome. */
export type SagaNext =
  | { kind: "request"; action: SagaAction; step: number }
  | { kind: "end"; outcome: "committed" | "compensated" };

/** A decision rule: the next move of one saga from its own log records, in order. */
export type SagaNextRule = (log: readonly SagaLogRecord[], steps: number) => SagaNext;

/**
 * The correct rule. Forward: the step after the last one done, or `end committed` after the
 * last (§1, T1..Tn). After a refused step, backward recovery: compensate the steps done, last
 * first (§1, T1..Tj then Cj..C1), including a step abandoned unanswered, which may have run; a
 * failed compensation is asked again, since compensations must succeed (§5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correctSagaNext } from "./saga_rules.ts";
 * const log = [
 *   { sagaId: "s1", kind: "begin" },
 *   { sagaId: "s1", kind: "step-done", step: 0 },
 *   { sagaId: "s1", kind: "step-done", step: 1 },
 *   { sagaId: "s1", kind: "step-failed", step: 2, abandoned: false },
 * ] as const;
 * assert.deepEqual(correctSagaNext(log, 3), { kind: "request", action: "undo", step: 1 });
 * ```
 */
export function correctSagaNext(log: readonly SagaLogRecord[], steps: number): SagaNext {
  const failed = log.find((r) => r.kind === "step-failed");
  if (!failed) {
    const done = log.filter((r) => r.kind === "step-done").length;
    return done >= steps
      ? { kind: "end", outcome: "committed" }
      : { kind: "request", action: "do", step: done };
  }
  // The highest step that may hold an effect: a refused step has none, an abandoned one may.
  let next = failed.abandoned ? failed.step : failed.step - 1;
  const compensated = new Set(
    log.flatMap((r) => r.kind === "compensated" ? [r.step] : []),
  );
  while (next >= 0 && compensated.has(next)) next--;
  return next < 0
    ? { kind: "end", outcome: "compensated" }
    : { kind: "request", action: "undo", step: next };
}

/**
 * Broken: a compensation that failed once counts as done, so its effect stays (the stock stays
 * reserved while the saga says "compensated").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noRetrySagaNext } from "./saga_rules.ts";
 * const log = [
 *   { sagaId: "s1", kind: "begin" },
 *   { sagaId: "s1", kind: "step-done", step: 0 },
 *   { sagaId: "s1", kind: "step-failed", step: 1, abandoned: false },
 *   { sagaId: "s1", kind: "undo-failed", step: 0 },
 * ] as const;
 * assert.deepEqual(noRetrySagaNext(log, 2), { kind: "end", outcome: "compensated" });
 * ```
 */
export function noRetrySagaNext(log: readonly SagaLogRecord[], steps: number): SagaNext {
  return correctSagaNext(
    log.map((r) => r.kind === "undo-failed" ? { ...r, kind: "compensated" as const } : r),
    steps,
  );
}
