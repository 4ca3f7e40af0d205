/**
 * Mutation check: the lab's tests must reject the classic almost-right consumers. (This file
 * tests the tests; a learner can ignore it.)
 */
import assert from "node:assert/strict";
import type { Db, Deposit, ExactlyOnceLab } from "./api.ts";
import { effectivelyOnceFailures } from "./cases.ts";
import { depositLog, expectedBalances, runConsumer } from "./harness.ts";

const add = (deposit: Deposit, db: Db) =>
  db.transaction((tx) => {
    const key = `balance:${deposit.account}`;
    tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
  });

const MUTANTS: Record<string, ExactlyOnceLab> = {
  "no deduplication (at-least-once)": { handle: add },
  "marks the id in a second transaction after the effect (a crash between repeats it)": {
    handle(deposit, db) {
      let seen = false;
      db.transaction((tx) => void (seen = Boolean(tx.get(`processed:${deposit.id}`))));
      if (seen) return;
      add(deposit, db);
      db.transaction((tx) => tx.set(`processed:${deposit.id}`, true));
    },
  },
  "marks the id before the effect, in its own transaction (a crash between loses it)": {
    handle(deposit, db) {
      let seen = false;
      db.transaction((tx) => {
        seen = Boolean(tx.get(`processed:${deposit.id}`));
        if (!seen) tx.set(`processed:${deposit.id}`, true);
      });
      if (!seen) add(deposit, db);
    },
  },
  "deduplicates by account instead of by id": {
    handle(deposit, db) {
      db.transaction((tx) => {
        if (tx.get(`processed:${deposit.account}`)) return;
        const key = `balance:${deposit.account}`;
        tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
        tx.set(`processed:${deposit.account}`, true);
      });
    },
  },
};

for (const [name, mutant] of Object.entries(MUTANTS)) {
  Deno.test(`the exactly-once tests reject a consumer that ${name}`, () => {
    const caught = effectivelyOnceFailures(mutant).length > 0 ||
      JSON.stringify(runConsumer(mutant).balances) !==
        JSON.stringify(expectedBalances(depositLog().intended));
    assert.ok(caught);
  });
}

// The inbox pattern written out here, not imported: a workshop fork has no solution.ts.
const inbox: ExactlyOnceLab = {
  handle(deposit, db) {
    db.transaction((tx) => {
      if (tx.get(`processed:${deposit.id}`)) return;
      const key = `balance:${deposit.account}`;
      tx.set(key, (tx.get<number>(key) ?? 0) + deposit.amount);
      tx.set(`processed:${deposit.id}`, true);
    });
  },
};

Deno.test("the exactly-once tests accept an idempotent consumer", () => {
  assert.deepEqual(effectivelyOnceFailures(inbox), []);
});
