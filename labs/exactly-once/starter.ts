/**
 * Your consumer. It works — until it crashes, or the producer retries. Run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/exactly-once` and make it effectively-once.
 *
 * @module
 */

import type { Db, Deposit } from "./api.ts";

/**
 * Applies one deposit.
 *
 * TODO: a redelivered deposit (after a crash before the commit) and a duplicated deposit (the
 * producer's retry) must not change any balance a second time. Hint: the deposit has an id.
 */
export function handle(deposit: Deposit, db: Db): void {
  db.transaction((tx) => {
    const key = `balance:${deposit.account}`;
    tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
  });
}
