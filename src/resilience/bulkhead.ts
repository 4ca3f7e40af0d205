/**
 * A bulkhead (Nygard, "Release It!", ch. 5 "Bulkheads"; resilience4j's `SemaphoreBulkhead`
 * with a bounded wait queue): at most `maxConcurrent` calls run at once, at most `maxQueued`
 * more wait in FIFO order, and everything beyond is rejected at once — so a slow dependency
 * can tie up only its own compartment's workers, never all of them.
 *
 * Pure bookkeeping over caller-chosen ids; the caller runs the calls and the wait timeouts
 * (a queued call that gives up is removed with {@linkcode Bulkhead.cancel}).
 *
 * @module
 */

/** What {@linkcode Bulkhead.tryEnter} decided. */
export type BulkheadDecision = "admitted" | "queued" | "rejected";

/** Options of {@linkcode Bulkhead}. */
export interface BulkheadOptions {
  /** Calls running at once. */
  maxConcurrent: number;
  /** Calls waiting for a slot. @default 0 */
  maxQueued?: number;
}

/**
 * A semaphore with a bounded FIFO queue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Bulkhead } from "./bulkhead.ts";
 * const b = new Bulkhead<string>({ maxConcurrent: 1, maxQueued: 1 });
 * assert.deepEqual(["a", "b", "c"].map((id) => b.tryEnter(id)), ["admitted", "queued", "rejected"]);
 * assert.equal(b.exit("a"), "b"); // b takes a's slot
 * ```
 */
export class Bulkhead<Id = string> {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  #running = new Set<Id>();
  #queue: Id[] = [];

  constructor(options: BulkheadOptions) {
    const { maxConcurrent, maxQueued = 0 } = options;
    if (!(Number.isSafeInteger(maxConcurrent) && maxConcurrent >= 1)) {
      throw new RangeError(
        `Bulkhead option maxConcurrent must be an integer ≥ 1, got ${maxConcurrent}`,
      );
    }
    if (!(Number.isSafeInteger(maxQueued) && maxQueued >= 0)) {
      throw new RangeError(`Bulkhead option maxQueued must be an integer ≥ 0, got ${maxQueued}`);
    }
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  /** Calls running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Calls waiting now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Admits `id`, queues it, or rejects it when both the slots and the queue are full. */
  tryEnter(id: Id): BulkheadDecision {
    if (this.#running.has(id) || this.#queue.includes(id)) {
      throw new Error(`Bulkhead already holds call ${String(id)}`);
    }
    if (this.#running.size < this.maxConcurrent) {
      this.#running.add(id);
      return "admitted";
    }
    if (this.#queue.length < this.maxQueued) {
      this.#queue.push(id);
      return "queued";
    }
    return "rejected";
  }

  /** Ends running call `id`; returns the queued call that now runs, if any. */
  exit(id: Id): Id | undefined {
    if (!this.#running.delete(id)) throw new Error(`Bulkhead is not running call ${String(id)}`);
    const next = this.#queue.shift();
    if (next !== undefined) this.#running.add(next);
    return next;
  }

  /** Removes a queued call that gave up waiting; says whether it was queued. */
  cancel(id: Id): boolean {
    const at = this.#queue.indexOf(id);
    if (at < 0) return false;
    this.#queue.splice(at, 1);
    return true;
  }
}
