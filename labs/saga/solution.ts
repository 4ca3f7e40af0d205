/**
 * Reference solution of the saga lab.
 *
 * @module
 */

import type { SagaLogRecord, SagaNext } from "./api.ts";

/** Forward until a step fails; then compensate, last step first, until every one succeeded. */
export function next(log: readonly SagaLogRecord[], steps: number): SagaNext {
  let failedAt: number | null = null;
  let done = 0;
  const undone = new Set<number>();
  for (const record of log) {
    if (record.kind === "step-done") done = Math.max(done, record.step + 1);
    // A refused step left no effect; an abandoned one (no answer) may have: undo it too.
    if (record.kind === "step-failed" && failedAt === null) {
      failedAt = record.abandoned ? record.step : record.step - 1;
    }
    if (record.kind === "compensated") undone.add(record.step);
  }
  if (failedAt === null) {
    return done >= steps
      ? { kind: "end", outcome: "committed" }
      : { kind: "request", action: "do", step: done };
  }
  for (let step = failedAt; step >= 0; step--) {
    // An `undo-failed` record is not a compensation: ask again.
    if (!undone.has(step)) return { kind: "request", action: "undo", step };
  }
  return { kind: "end", outcome: "compensated" };
}
