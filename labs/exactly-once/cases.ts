/**
 * The crash-at-every-step check, shared by the lab test and the mutation test.
 *
 * @module
 */

import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { ExactlyOnceLab } from "./api.ts";
import { depositLog, expectedBalances, runConsumer } from "./harness.ts";

/** One message per crash point whose run ends with wrong balances (empty when all are right). */
export function effectivelyOnceFailures(lab: ExactlyOnceLab): string[] {
  const expected = expectedBalances(depositLog().intended);
  const total = runConsumer(lab).steps;
  const failures: string[] = [];
  for (let crashAt = 1; crashAt <= total; crashAt++) {
    const run = runConsumer(lab, crashAt);
    if (JSON.stringify(sorted(run.balances)) !== JSON.stringify(sorted(expected))) {
      failures.push(
        `crash at step ${crashAt} of ${total}: balances ${JSON.stringify(sorted(run.balances))}, ` +
          `expected ${JSON.stringify(sorted(expected))}\n` + run.story.map((l) =>
            `  ${l}`
          ).join("\n"),
      );
    }
  }
  return failures;
}

function sorted(balances: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(balances).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Without crashes: each deposit counts once although the producer sent d2 twice. */
export function noCrashFailures(lab: ExactlyOnceLab): string[] {
  const expected = expectedBalances(depositLog().intended);
  const run = runConsumer(lab);
  return JSON.stringify(sorted(run.balances)) === JSON.stringify(sorted(expected)) ? [] : [
    `balances ${JSON.stringify(sorted(run.balances))}, expected ${
      JSON.stringify(sorted(expected))
    }: ` +
    "the log holds d2 twice (a producer retry); deduplicate by the deposit's id.",
    ...run.story,
  ];
}

/** The lab's checks, in the order they run. */
export const EXACTLY_ONCE_CHECKS: readonly LabCheck<ExactlyOnceLab>[] = [
  failuresCheck(
    "without crashes, each deposit counts once even though the producer sent d2 twice",
    noCrashFailures,
  ),
  failuresCheck(
    "a crash at any step, then a restart from the committed offset, leaves the right balances",
    (lab) => effectivelyOnceFailures(lab).join("\n\n"),
  ),
];
