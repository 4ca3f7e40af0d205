import assert from "node:assert/strict";
import {
  HASH_BALANCE_SCHEMES,
  hashBalanceExperiment,
  JUMP_PAPER_RING_STD_ERRORS,
} from "./hash_balance.ts";

const small = { keys: 5000, ringSweep: false };

Deno.test("hash-balance reports stdError and movedFraction for every scheme, near theory", () => {
  for (const scheme of HASH_BALANCE_SCHEMES) {
    const { summary } = hashBalanceExperiment.run({ ...small, scheme }, 1);
    assert.equal(typeof summary.stdError, "number");
    assert.equal(typeof summary.movedFraction, "number");
    const moved = summary.movedFraction as number;
    if (scheme === "mod") assert.ok(moved > 0.85, `${scheme}: ${moved}`);
    else assert.ok(moved < 0.2, `${scheme}: ${moved}`);
  }
});

Deno.test("hash-balance's ring sweep is within noise of Lamping & Veach's table", () => {
  const { summary } = hashBalanceExperiment.run({ keys: 1000, scheme: "ring" }, 1);
  const measured = summary.ringSweepStdErrors as Record<string, number>;
  for (const [k, paper] of Object.entries(JUMP_PAPER_RING_STD_ERRORS)) {
    // 100 nodes estimate a standard deviation to about ±1/sqrt(200) = ±7% (one sigma).
    assert.ok(Math.abs(measured[k] - paper) / paper < 0.25, `${k}: ${measured[k]} vs ${paper}`);
  }
});

Deno.test("hash-balance: more points per node make the ring more even", () => {
  const one = hashBalanceExperiment.run({ ...small, scheme: "ring", pointsPerNode: 1 }, 3).summary;
  const many =
    hashBalanceExperiment.run({ ...small, scheme: "ring", pointsPerNode: 500 }, 3).summary;
  assert.ok((many.stdError as number) < (one.stdError as number) / 3);
});

Deno.test("hash-balance is deterministic per seed and rejects an unknown scheme by name", () => {
  const a = hashBalanceExperiment.run({ ...small, scheme: "jump" }, 5);
  const b = hashBalanceExperiment.run({ ...small, scheme: "jump" }, 5);
  const c = hashBalanceExperiment.run({ ...small, scheme: "jump" }, 6);
  assert.equal(a.traceHash, b.traceHash);
  assert.notEqual(a.traceHash, c.traceHash);
  assert.throws(() => hashBalanceExperiment.run({ scheme: "crush" }, 1), /parameter scheme/);
});
