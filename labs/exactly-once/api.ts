/**
 * What the exactly-once lab asks you to implement (see README.md).
 *
 * @module
 */

/** A message from the log: deposit `amount` into `account`. `id` is the producer's idempotency key. */
export interface Deposit {
  readonly id: string;
  readonly account: string;
  readonly amount: number;
}

/** Reads and writes inside one transaction. */
export interface Tx {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/**
 * The consumer's database. A transaction is atomic: if the consumer crashes inside it, none of
 * its writes happen. Balances live under `balance:<account>`; any other keys are yours.
 */
export interface Db {
  transaction(fn: (tx: Tx) => void): void;
}

/** Your consumer. */
export interface ExactlyOnceLab {
  /**
   * Handles one delivered deposit. The test harness commits the offset after `handle` returns,
   * and crashes the consumer at every step it can: inside a transaction, between transactions,
   * and between `handle` and the commit. After a crash the log redelivers from the last
   * committed offset, and the producer's retries mean the log may hold the same deposit twice.
   */
  handle(deposit: Deposit, db: Db): void;
}
