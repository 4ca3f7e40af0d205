import assert from "node:assert/strict";
import fc from "fast-check";
import { faultTolerance, pbftQuorums } from "./quorums.ts";

const SEED = 20260101;

// Picks `size` of `n` replicas from a shuffle key, so fast-check can shrink the choice.
function pick(n: number, size: number, keys: number[]): Set<number> {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
  return new Set(order.slice(0, size));
}

Deno.test("Two commit quorums of 3f + 1 replicas always share a correct replica, whatever f replicas are Byzantine", () => {
  const property = fc.property(
    fc.integer({ min: 1, max: 5 }).chain((f) =>
      fc.tuple(
        fc.constant(f),
        fc.array(fc.integer(), { minLength: 3 * f + 1, maxLength: 3 * f + 1 }),
        fc.array(fc.integer(), { minLength: 3 * f + 1, maxLength: 3 * f + 1 }),
        fc.array(fc.integer(), { minLength: 3 * f + 1, maxLength: 3 * f + 1 }),
      )
    ),
    ([f, a, b, bad]) => {
      const n = 3 * f + 1;
      const q = pbftQuorums(n).commits;
      const byzantine = pick(n, f, bad);
      const first = pick(n, q, a);
      const shared = [...pick(n, q, b)].filter((r) => first.has(r) && !byzantine.has(r));
      return shared.length >= 1;
    },
  );
  const result = fc.check(property, { seed: SEED, numRuns: 300 });
  assert.ok(
    !result.failed,
    `counterexample ${JSON.stringify(result.counterexample)}, replay with ${
      JSON.stringify({ seed: result.seed, path: result.failed ? result.counterexamplePath : "" })
    }`,
  );
});

Deno.test("Quorums shrunk to 2f can meet in a Byzantine replica alone", () => {
  const property = fc.property(
    fc.integer({ min: 1, max: 5 }).chain((f) =>
      fc.tuple(
        fc.constant(f),
        fc.array(fc.integer(), { minLength: 3 * f + 1, maxLength: 3 * f + 1 }),
        fc.array(fc.integer(), { minLength: 3 * f + 1, maxLength: 3 * f + 1 }),
      )
    ),
    ([f, a, b]) => {
      const n = 3 * f + 1;
      const q = pbftQuorums(n, "quorum-2f").commits;
      const first = pick(n, q, a);
      // The f replicas shared by two 2f quorums are all Byzantine in the worst case.
      const shared = [...pick(n, q, b)].filter((r) => first.has(r));
      return shared.length > f;
    },
  );
  const result = fc.check(property, { seed: SEED, numRuns: 300 });
  assert.ok(
    result.failed,
    `expected two 2f quorums overlapping in at most f replicas within ${
      JSON.stringify({ seed: result.seed, numRuns: 300 })
    }`,
  );
});

Deno.test("faultTolerance refuses a cluster size that is not a positive integer", () => {
  assert.throws(() => faultTolerance(0), /integer >= 1, got 0/);
  assert.throws(
    () => pbftQuorums(4, "quorum-1" as never),
    /variant must be one of correct, quorum-2f/,
  );
});
