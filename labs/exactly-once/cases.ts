/**
 * The crash-at-every-step check, shared by the lab test and the mutation test.
 *
 * @module
 */

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
