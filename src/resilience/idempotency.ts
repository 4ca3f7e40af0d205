/**
 * Idempotency keys (Stripe's "Designing robust and predictable APIs with idempotency", 2017;
 * the IETF draft "The Idempotency-Key HTTP Header Field"): a client sends the same key with
 * every retry of one logical request, and the server runs the request once and answers every
 * repeat with the stored result — so retries after a lost response (fallacy 1) do not charge a
 * card twice. A repeat that arrives while the first is still running is told so (HTTP 409 in
 * the draft) rather than run concurrently.
 *
 * Time is the caller's; keys expire `ttlMs` after completion, and the store holds at most
 * `maxKeys` (oldest evicted first) — a retry later than that runs again, which is the
 * documented limit of the technique.
 *
 * @module
 */

/** What the store says about a key when a request arrives. */
export type IdempotencyLookup<R> =
  | { kind: "new" }
  | { kind: "in-progress" }
  | { kind: "done"; result: R };

/** Options of {@linkcode IdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** How long a completed key is remembered. @default 86_400_000 (a day, as Stripe) */
  ttlMs?: number;
  /** Most keys held; the oldest go first. @default 10_000 */
  maxKeys?: number;
}

/**
 * Remembers which keyed requests ran and what they returned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdempotencyStore } from "./idempotency.ts";
 * const store = new IdempotencyStore<string>();
 * assert.deepEqual(store.begin("k1", 0), { kind: "new" });
 * assert.deepEqual(store.begin("k1", 5), { kind: "in-progress" });
 * store.complete("k1", 10, "charged");
 * assert.deepEqual(store.begin("k1", 20), { kind: "done", result: "charged" });
 * ```
 */
export class IdempotencyStore<R> {
  readonly ttlMs: number;
  readonly maxKeys: number;
  #entries = new Map<string, { done: boolean; result?: R; completedAtMs: number }>();

  constructor(options: IdempotencyStoreOptions = {}) {
    const { ttlMs = 86_400_000, maxKeys = 10_000 } = options;
    if (!(ttlMs > 0)) {
      throw new RangeError(`IdempotencyStore option ttlMs must be > 0, got ${ttlMs}`);
    }
    if (!(Number.isSafeInteger(maxKeys) && maxKeys >= 1)) {
      throw new RangeError(
        `IdempotencyStore option maxKeys must be an integer ≥ 1, got ${maxKeys}`,
      );
    }
    this.ttlMs = ttlMs;
    this.maxKeys = maxKeys;
  }

  /** Keys held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Looks `key` up at `nowMs`; a new key is marked in progress. */
  begin(key: string, nowMs: number): IdempotencyLookup<R> {
    const entry = this.#entries.get(key);
    if (entry && entry.done && nowMs - entry.completedAtMs >= this.ttlMs) this.#entries.delete(key);
    else if (entry) {
      return entry.done ? { kind: "done", result: entry.result as R } : { kind: "in-progress" };
    }
    if (this.#entries.size >= this.maxKeys) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { done: false, completedAtMs: 0 });
    return { kind: "new" };
  }

  /** Stores the result of the run that `begin` marked new. */
  complete(key: string, nowMs: number, result: R): void {
    const entry = this.#entries.get(key);
    if (!entry || entry.done) {
      throw new Error(`Cannot complete idempotency key ${key}: it is not in progress`);
    }
    Object.assign(entry, { done: true, result, completedAtMs: nowMs });
  }

  /** Forgets an in-progress key whose run failed, so a retry may run it again. */
  abandon(key: string): void {
    const entry = this.#entries.get(key);
    if (entry && !entry.done) this.#entries.delete(key);
  }
}
