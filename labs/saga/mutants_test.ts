/**
 * Mutation check: the saga lab's tests must reject the seed's shortcuts and other classic
 * mistakes. (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import { correctSagaNext, noRetrySagaNext, type SagaNextRule } from "../../src/transactions/mod.ts";
import { findCrashFailure, nextCaseFailures } from "./cases.ts";

const MUTANTS: Record<string, SagaNextRule> = {
  "a compensation that failed once counts as done (no retry)": noRetrySagaNext,
  "compensations in forward order": (log, steps) => {
    const next = correctSagaNext(log, steps);
    if (next.kind !== "request" || next.action !== "undo") return next;
    const failed = log.find((r) => r.kind === "step-failed")!;
    const top = failed.kind === "step-failed" && failed.abandoned ? failed.step : failed.step - 1;
    const undone = new Set(log.flatMap((r) => r.kind === "compensated" ? [r.step] : []));
    for (let step = 0; step <= top; step++) {
      if (!undone.has(step)) return { kind: "request", action: "undo", step };
    }
    return next;
  },
  "an abandoned step is not compensated": (log, steps) =>
    correctSagaNext(
      log.map((r) => r.kind === "step-failed" ? { ...r, abandoned: false } : r),
      steps,
    ),
  "a refusal ends the saga without compensating": (log, steps) =>
    log.some((r) => r.kind === "step-failed")
      ? { kind: "end", outcome: "compensated" }
      : correctSagaNext(log, steps),
};

// The crash runs never abandon a step (that takes five unanswered requests to a live service),
// so that mutant is the case table's alone to catch.
const TABLE_ONLY = new Set(["an abandoned step is not compensated"]);

for (const [name, rule] of Object.entries(MUTANTS)) {
  Deno.test(`the saga lab rejects ${name}`, () => {
    const lab = { next: rule };
    assert.ok(nextCaseFailures(lab).length > 0, "the case table lets it through");
    if (!TABLE_ONLY.has(name)) {
      assert.notEqual(findCrashFailure(lab), null, "the crash runs let it through");
    }
  });
}

Deno.test("the saga lab accepts the core's correct rule", () => {
  const lab = { next: correctSagaNext };
  assert.deepEqual(nextCaseFailures(lab), []);
  assert.equal(findCrashFailure(lab), null);
});
