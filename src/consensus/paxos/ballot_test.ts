import assert from "node:assert/strict";
import fc from "fast-check";
import { type Ballot, compareBallots, majority, maxBallot, nextBallot } from "./ballot.ts";

const ballot = fc.record({
  round: fc.integer({ min: 0, max: 20 }),
  proposer: fc.constantFrom("n1", "n2", "n3"),
});

Deno.test("compareBallots is a total order (antisymmetric, transitive, total)", () => {
  fc.assert(
    fc.property(ballot, ballot, ballot, (a: Ballot, b: Ballot, c: Ballot) => {
      assert.equal(Math.sign(compareBallots(a, b)) + Math.sign(compareBallots(b, a)), 0);
      if (compareBallots(a, b) <= 0 && compareBallots(b, c) <= 0) {
        assert.ok(compareBallots(a, c) <= 0);
      }
      if (compareBallots(a, b) === 0) assert.deepEqual({ ...a }, { ...b });
    }),
  );
});

Deno.test("nextBallot is above what it has seen and owned by the proposer", () => {
  fc.assert(
    fc.property(ballot, fc.constantFrom("n1", "n2", "n3"), (seen, me) => {
      const next = nextBallot(seen, me);
      assert.ok(compareBallots(next, seen) > 0);
      assert.equal(next.proposer, me);
      assert.equal(maxBallot(seen, next), next);
    }),
  );
});

Deno.test("majority is the smallest size two of which always intersect", () => {
  for (let n = 1; n <= 9; n++) {
    assert.ok(2 * majority(n) > n);
    assert.ok(2 * (majority(n) - 1) <= n);
  }
});
