/**
 * Mutation battery: saga orchestrator rules a learner could plausibly write (the seed's
 * shortcuts among them), each of which the lab's checks (`cases.ts`) must reject. (It tests
 * the tests; a learner can ignore it, and a workshop fork leaves it out: it needs the
 * reference solution.)
 */

import { noRetrySagaNext } from "../../src/transactions/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { SagaLab, SagaLogRecord, SagaNext } from "./api.ts";
import { SAGA_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

type Rule = (log: readonly SagaLogRecord[], steps: number) => SagaNext;

/** The reference's reading of the log, its steps switched by name: each mutant is one slip. */
interface Slips {
  /** The highest step to undo after a failure at `step`. */
  undoFrom?: (step: number, abandoned: boolean, steps: number) => number;
  /** The lowest step to undo. */
  undoDownTo?: number;
  forwardOrder?: boolean;
  commitEarly?: boolean;
  undoFailedCounts?: boolean;
  endAfterOneUndo?: boolean;
}

function slipped(slips: Slips): Rule {
  return (log, steps) => {
    let failedAt: number | null = null;
    let done = 0;
    let compensations = 0;
    const undone = new Set<number>();
    for (const record of log) {
      if (record.kind === "step-done") done = Math.max(done, record.step + 1);
      if (record.kind === "step-failed" && failedAt === null) {
        failedAt = slips.undoFrom
          ? slips.undoFrom(record.step, record.abandoned, steps)
          : record.abandoned
          ? record.step
          : record.step - 1;
      }
      if (record.kind === "compensated") undone.add(record.step), compensations++;
      if (record.kind === "undo-failed" && slips.undoFailedCounts) undone.add(record.step);
    }
    if (failedAt === null) {
      return done >= (slips.commitEarly ? steps - 1 : steps)
        ? { kind: "end", outcome: "committed" }
        : { kind: "request", action: "do", step: done };
    }
    if (slips.endAfterOneUndo && compensations > 0) return { kind: "end", outcome: "compensated" };
    const low = slips.undoDownTo ?? 0;
    const order = Array.from({ length: Math.max(0, failedAt - low + 1) }, (_, i) => failedAt! - i);
    if (slips.forwardOrder) order.reverse();
    for (const step of order) {
      if (!undone.has(step)) return { kind: "request", action: "undo", step };
    }
    return { kind: "end", outcome: "compensated" };
  };
}

const mutant = (name: string, next: Rule): LabMutant<SagaLab> => ({ name, lab: { next } });

const MUTANTS: LabMutant<SagaLab>[] = [
  mutant(
    "counts a compensation that failed once as done (the core's no-retry rule)",
    noRetrySagaNext,
  ),
  mutant("records undo-failed as compensated", slipped({ undoFailedCounts: true })),
  mutant("compensates in forward order", slipped({ forwardOrder: true })),
  mutant("never compensates an abandoned step", slipped({ undoFrom: (step) => step - 1 })),
  mutant("compensates the refused step too", slipped({ undoFrom: (step) => step })),
  mutant(
    "compensates from the last step of the saga",
    slipped({ undoFrom: (_s, _a, steps) => steps - 1 }),
  ),
  mutant("never compensates step 0 (a loop that stops at 1)", slipped({ undoDownTo: 1 })),
  mutant("commits one step early (steps - 1)", slipped({ commitEarly: true })),
  mutant("ends the saga after its first compensation", slipped({ endAfterOneUndo: true })),
  mutant(
    "ends a refused saga without compensating",
    (log, steps) =>
      log.some((r) => r.kind === "step-failed")
        ? { kind: "end", outcome: "compensated" }
        : reference.next(log, steps),
  ),
  mutant(
    "retries the refused step instead of compensating",
    (log, steps) => {
      const failed = log.find((r) => r.kind === "step-failed");
      return failed?.kind === "step-failed"
        ? { kind: "request", action: "do", step: failed.step }
        : reference.next(log, steps);
    },
  ),
  mutant(
    "ends a saga whose first step failed at once, abandoned or not",
    (log, steps) => {
      const failed = log.find((r) => r.kind === "step-failed");
      return failed?.kind === "step-failed" && failed.step === 0
        ? { kind: "end", outcome: "compensated" }
        : reference.next(log, steps);
    },
  ),
];

registerMutationBattery({ lab: "saga", checks: SAGA_CHECKS, reference, mutants: MUTANTS });
