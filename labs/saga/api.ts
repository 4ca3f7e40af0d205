/**
 * What the saga lab asks you to implement (see README.md).
 *
 * @module
 */

import type { SagaLogRecord, SagaNext } from "../../src/transactions/mod.ts";

export type { SagaLogRecord, SagaNext };

/** Your implementation: the orchestrator's one decision. */
export interface SagaLab {
  /**
   * What saga does next, from its own durable log records (oldest first) and the number of
   * steps. Called after every new record, and for every unfinished saga when a crashed
   * orchestrator restarts.
   */
  next(log: readonly SagaLogRecord[], steps: number): SagaNext;
}
