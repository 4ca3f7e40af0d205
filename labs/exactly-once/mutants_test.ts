/**
 * Mutation battery: almost-right consumers a learner could plausibly write, each of which the
 * lab's checks (`cases.ts`) must reject. (It tests the tests; a learner can ignore it, and a
 * workshop fork leaves it out: it needs the reference solution.)
 *
 * Not in the battery: a consumer that remembers ids in memory (a Set in its module). The
 * harness restarts the consumer without reloading its module, so such memory survives a
 * "crash" here though it would not in a real process; the lab's API (`handle(deposit, db)`)
 * leaves no way to throw it away.
 */

import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { Db, Deposit, ExactlyOnceLab } from "./api.ts";
import { EXACTLY_ONCE_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

const add = (deposit: Deposit, db: Db) =>
  db.transaction((tx) => {
    const key = `balance:${deposit.account}`;
    tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
  });

/** The inbox pattern with the deduplication key made by `keyOf`. */
const dedupBy = (keyOf: (d: Deposit) => string) => (deposit: Deposit, db: Db) =>
  db.transaction((tx) => {
    if (tx.get(`processed:${keyOf(deposit)}`)) return;
    const key = `balance:${deposit.account}`;
    tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
    tx.set(`processed:${keyOf(deposit)}`, true);
  });

const mutant = (name: string, handle: ExactlyOnceLab["handle"]) => ({ name, lab: { handle } });

const MUTANTS: LabMutant<ExactlyOnceLab>[] = [
  mutant("does not deduplicate (at-least-once)", add),
  mutant("marks the id in a second transaction after the effect", (deposit, db) => {
    let seen = false;
    db.transaction((tx) => void (seen = Boolean(tx.get(`processed:${deposit.id}`))));
    if (seen) return;
    add(deposit, db);
    db.transaction((tx) => tx.set(`processed:${deposit.id}`, true));
  }),
  mutant("marks the id before the effect, in its own transaction", (deposit, db) => {
    let seen = false;
    db.transaction((tx) => {
      seen = Boolean(tx.get(`processed:${deposit.id}`));
      if (!seen) tx.set(`processed:${deposit.id}`, true);
    });
    if (!seen) add(deposit, db);
  }),
  mutant("deduplicates by account instead of by id", dedupBy((d) => d.account)),
  mutant("deduplicates by account and amount", dedupBy((d) => `${d.account}:${d.amount}`)),
  mutant("remembers only the last id it processed", (deposit, db) =>
    db.transaction((tx) => {
      if (tx.get("last-id") === deposit.id) return;
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      tx.set("last-id", deposit.id);
    })),
  mutant("keeps processed ids in a plain object", (deposit, db) =>
    db.transaction((tx) => {
      const seen = tx.get<Record<string, boolean>>("seen") ?? {};
      if (seen[deposit.id]) return;
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      tx.set("seen", { ...seen, [deposit.id]: true });
    })),
  mutant("applies the deposit before looking the id up", (deposit, db) =>
    db.transaction((tx) => {
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      if (tx.get(`processed:${deposit.id}`)) return;
      tx.set(`processed:${deposit.id}`, true);
    })),
  mutant("records the id but never looks it up", (deposit, db) =>
    db.transaction((tx) => {
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      tx.set(`processed:${deposit.id}`, true);
    })),
  mutant("throws on a duplicate instead of skipping it", (deposit, db) =>
    db.transaction((tx) => {
      if (tx.get(`processed:${deposit.id}`)) throw new Error(`duplicate ${deposit.id}`);
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      tx.set(`processed:${deposit.id}`, true);
    })),
  mutant(
    "sets the balance to the amount instead of adding it",
    (deposit, db) =>
      db.transaction((tx) => {
        if (tx.get(`processed:${deposit.id}`)) return;
        tx.set(`balance:${deposit.account}`, deposit.amount);
        tx.set(`processed:${deposit.id}`, true);
      }),
  ),
];

registerMutationBattery({
  lab: "exactly-once",
  checks: EXACTLY_ONCE_CHECKS,
  reference,
  mutants: MUTANTS,
});
