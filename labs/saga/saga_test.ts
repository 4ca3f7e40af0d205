/**
 * Tests for the saga lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). First a table of saga logs and the move each must
 * lead to; then whole runs in the simulator — four sagas over inventory, payment and shipping,
 * with refusals and failing compensations — where the orchestrator is crashed at every moment
 * of the batch. A failure prints the smallest crash schedule that breaks your rule.
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { SagaLab } from "./api.ts";
import { findCrashFailure, NEXT_CASES, nextCaseFailures } from "./cases.ts";

const lab = await loadLab<SagaLab>(import.meta.url);

Deno.test(`next() gives the right move for each of ${NEXT_CASES.length} saga logs`, () => {
  const failures = nextCaseFailures(lab);
  assert.deepEqual(failures, [], `\n${failures.join("\n")}`);
});

Deno.test("every saga ends committed or compensated, in reverse, whenever the orchestrator crashes", () => {
  const failure = findCrashFailure(lab);
  assert.equal(
    failure,
    null,
    failure === null ? "" : [
      "",
      `Seed ${failure.seed}, the smallest crash schedule that breaks it:`,
      ...(failure.faults.length
        ? failure.faults.map((f) => `  ${f.atMs} ms ${f.kind} ${"node" in f ? f.node : ""}`)
        : ["  (no crash at all)"]),
      "What broke:",
      ...failure.violations.slice(0, 5).map((v) => `  ${v}`),
    ].join("\n"),
  );
});
