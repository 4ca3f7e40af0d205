/**
 * Your saga orchestrator's decision rule. Replace the `throw`; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/saga` until it is green.
 *
 * @module
 */

import type { SagaLogRecord, SagaNext } from "./api.ts";

/**
 * What the saga does next, from its log alone.
 *
 * Hint: without a `step-failed` record the saga goes forward. With one, it goes backward:
 * compensate the steps that may hold an effect, last first, and keep asking for a compensation
 * until a `compensated` record says it worked.
 */
export function next(log: readonly SagaLogRecord[], steps: number): SagaNext {
  throw new Error(
    `TODO next(${log.length} records, last ${JSON.stringify(log.at(-1))}, steps=${steps}): ` +
      `return the saga's next request or its end (README.md, steps 1 and 2)`,
  );
}
