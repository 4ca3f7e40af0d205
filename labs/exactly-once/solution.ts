/**
 * Reference solution: the idempotent consumer (the "inbox" pattern). The deposit's id is
 * recorded in the same transaction as the balance change, so the two happen together or not at
 * all, and a redelivered or duplicated deposit finds its id and changes nothing.
 *
 * @module
 */

import type { Db, Deposit } from "./api.ts";

export function handle(deposit: Deposit, db: Db): void {
  db.transaction((tx) => {
    if (tx.get<boolean>(`processed:${deposit.id}`)) return;
    const key = `balance:${deposit.account}`;
    tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
    tx.set(`processed:${deposit.id}`, true);
  });
}
