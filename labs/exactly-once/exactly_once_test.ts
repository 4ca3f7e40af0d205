/**
 * Tests for the exactly-once lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). The consumer is crashed at every step it passes —
 * inside each transaction, before each transaction commits, and between `handle` and the offset
 * commit — and restarted from the committed offset; the balances must come out right every time.
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { ExactlyOnceLab } from "./api.ts";
import { depositLog, expectedBalances, runConsumer } from "./harness.ts";
import { effectivelyOnceFailures } from "./cases.ts";

const lab = await loadLab<ExactlyOnceLab>(import.meta.url);
const expected = expectedBalances(depositLog().intended);

Deno.test("without crashes, each deposit counts once even though the producer sent d2 twice", () => {
  const run = runConsumer(lab);
  assert.deepEqual(
    run.balances,
    expected,
    "the log holds d2 twice (a producer retry); deduplicate by the deposit's id.\n" +
      run.story.join("\n"),
  );
});

Deno.test("a crash at any step, then a restart from the committed offset, leaves the right balances", () => {
  const failures = effectivelyOnceFailures(lab);
  assert.deepEqual(failures, [], failures.join("\n\n"));
});
