/**
 * Mutation check: the lab's tests must reject classic broken quorum reads.
 * (This file tests the tests; a learner can ignore it.)
 */

import assert from "node:assert/strict";
import * as solution from "./solution.ts";
import type { QuorumLab } from "./api.ts";
import { quorumCaseFailures, quorumPropertyFailure, quorumSimulationVerdict } from "./cases.ts";

const MUTANTS: Record<string, QuorumLab> = {
  "R + W <= N accepted as overlapping": { ...solution, quorumsOverlap: (n, r, w) => r + w >= n },
  "read repair picks the first reply instead of the newest": {
    ...solution,
    newestReply: (replies) => replies[0],
  },
  "versions compared by counter only": {
    ...solution,
    newestReply: (replies) =>
      replies.reduce((best, r) => (r.version.counter > best.version.counter ? r : best)),
  },
  "every replica repaired, fresh ones included": {
    ...solution,
    staleNodes: (replies) => replies.map((r) => r.node),
  },
};

for (const [name, mutant] of Object.entries(MUTANTS)) {
  Deno.test(`the quorum tests reject ${name}`, () => {
    const caught = quorumCaseFailures(mutant).length > 0 || quorumPropertyFailure(mutant) !== null;
    assert.ok(caught, "neither the case table nor the properties catch it");
  });
}

Deno.test("the quorum simulation test rejects first-reply reads on its own", () => {
  assert.equal(
    quorumSimulationVerdict({ ...solution, newestReply: (replies) => replies[0] }),
    "not-linearizable",
  );
});

Deno.test("the quorum tests accept the reference solution", () => {
  assert.deepEqual(quorumCaseFailures(solution), []);
  assert.equal(quorumPropertyFailure(solution), null);
  assert.equal(quorumSimulationVerdict(solution), "linearizable");
});
