/**
 * The exactly-once lab's test harness: a log of deposits (with a producer's retried duplicate),
 * a consumer loop that delivers from the committed offset, runs `handle`, then commits, and a
 * crash that can strike at any step. Crash points are counted, so a test can crash at every one.
 *
 * @module
 */

import type { Db, Deposit, ExactlyOnceLab, Tx } from "./api.ts";

/** Thrown at the chosen step to simulate the consumer process dying. */
export class Crash extends Error {
  constructor(step: number, where: string) {
    super(`consumer crashed at step ${step} (${where})`);
    this.name = "Crash";
  }
}

/** The deposits the producer meant to send, and the log as the broker holds it. */
export function depositLog(): { intended: Deposit[]; log: Deposit[] } {
  const intended: Deposit[] = [
    { id: "d1", account: "alice", amount: 10 },
    { id: "d2", account: "bob", amount: 5 },
    { id: "d3", account: "alice", amount: 7 },
    { id: "d4", account: "bob", amount: 1 },
    // Same account and amount as d1, another deposit: only the id tells them apart.
    { id: "d5", account: "alice", amount: 10 },
    // Ids are the producer's strings, any strings: one that names an Object.prototype member
    // catches a table of ids kept in a plain object (`seen[id]` is already truthy).
    { id: "constructor", account: "carol", amount: 3 },
  ];
  // The producer timed out on d2 and sent it again; its retry landed after d3, so the two copies
  // are not neighbours in the log (at-least-once publish).
  const log = [
    intended[0],
    intended[1],
    intended[2],
    intended[1],
    intended[3],
    intended[4],
    intended[5],
  ];
  return { intended, log };
}

/** Balances the intended deposits add up to, each applied exactly once. */
export function expectedBalances(intended: readonly Deposit[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of intended) out[d.account] = (out[d.account] ?? 0) + d.amount;
  return out;
}

/** What one run ended with. */
export interface RunOutcome {
  balances: Record<string, number>;
  /** Crash points passed in the run (without crashing at any, this is the total). */
  steps: number;
  crashed: boolean;
  /** A narration of the run, for failure messages. */
  story: string[];
}

/**
 * Runs the consumer over the log, crashing once at step `crashAt` (or never when undefined),
 * then restarting it from the committed offset until the log is consumed.
 */
export function runConsumer(lab: ExactlyOnceLab, crashAt?: number): RunOutcome {
  const { log } = depositLog();
  const store = new Map<string, unknown>();
  let committed = 0;
  let step = 0;
  let crashed = false;
  const story: string[] = [];
  const point = (where: string) => {
    step++;
    if (!crashed && step === crashAt) {
      crashed = true;
      story.push(`CRASH at step ${step}: ${where}`);
      throw new Crash(step, where);
    }
  };
  const db: Db = {
    transaction(fn) {
      const writes = new Map<string, unknown>();
      const tx: Tx = {
        get: <T>(key: string) =>
          (writes.has(key) ? writes.get(key) : store.get(key)) as T | undefined,
        set(key, value) {
          point(`inside a transaction, before set ${key}`);
          writes.set(key, structuredClone(value));
        },
      };
      fn(tx);
      point("a transaction is about to commit");
      for (const [k, v] of writes) store.set(k, v);
      story.push(`  committed transaction: ${[...writes.keys()].join(", ")}`);
    },
  };
  for (let restarts = 0; restarts < 3 && committed < log.length; restarts++) {
    try {
      while (committed < log.length) {
        const deposit = log[committed];
        story.push(`deliver offset ${committed}: ${JSON.stringify(deposit)}`);
        lab.handle(deposit, db);
        point(`handle returned, offset ${committed} not yet committed`);
        committed++;
      }
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
      story.push(`restart from committed offset ${committed}`);
    }
  }
  const balances: Record<string, number> = {};
  for (const [k, v] of store) if (k.startsWith("balance:")) balances[k.slice(8)] = v as number;
  return { balances, steps: step, crashed, story };
}
