/**
 * Mutation check: the lab's tests must reject known-broken quorum rules.
 * (This file tests the tests; a learner can ignore it.)
 */
import assert from "node:assert/strict";
import { isCommittedLocal, isPrepared, pbftQuorums } from "../../src/mod.ts";
import type { PbftQuorumsLab } from "./api.ts";
import {
  committedFailures,
  preparedFailures,
  quorumFailures,
  simulationFailure,
} from "./checks.ts";

const PAPER: PbftQuorumsLab = { quorums: (n) => pbftQuorums(n), isPrepared, isCommittedLocal };

const MUTANTS: Record<string, PbftQuorumsLab> = {
  "quorums shrunk to 2f": { ...PAPER, quorums: (n) => pbftQuorums(n, "quorum-2f") },
  "2f + 1 used for every n (too small when n is not 3f + 1)": {
    ...PAPER,
    quorums: (n) => {
      const f = Math.floor((n - 1) / 3);
      return {
        f,
        prepares: 2 * f,
        commits: 2 * f + 1,
        viewChanges: 2 * f + 1,
        checkpoints: 2 * f + 1,
        replies: f + 1,
      };
    },
  },
  "f computed as a crash-fault majority would, (n - 1) / 2": {
    ...PAPER,
    quorums: (n) => ({ ...pbftQuorums(n), f: Math.floor((n - 1) / 2) }),
  },
  "the primary's Prepare counted": {
    ...PAPER,
    isPrepared: (pp, prepares, options) =>
      isPrepared(
        pp,
        prepares.map((p) => p.from === options.primary ? { ...p, from: "extra" } : p),
        options,
      ),
  },
  "Prepares for any digest counted (blind to equivocation)": {
    ...PAPER,
    isPrepared: (pp, prepares, options) =>
      isPrepared(
        pp,
        pp === null ? prepares : prepares.map((p) => ({ ...p, digest: pp.digest })),
        options,
      ),
  },
  "a repeated Prepare counted twice": {
    ...PAPER,
    isPrepared: (pp, prepares, options) =>
      isPrepared(pp, prepares.map((p, i) => ({ ...p, from: `${p.from}#${i}` })), options),
  },
  "committed without being prepared": {
    ...PAPER,
    isCommittedLocal: (_prepared, vote, commits, quorums) =>
      isCommittedLocal(true, vote, commits, quorums),
  },
};

for (const [name, mutant] of Object.entries(MUTANTS)) {
  Deno.test(`the pbft-quorums tests reject ${name}`, () => {
    const caught = quorumFailures(mutant).length + preparedFailures(mutant).length +
      committedFailures(mutant).length;
    assert.ok(caught > 0, "the case tables let it through");
  });
}

Deno.test("the pbft-quorums simulation test rejects quorums shrunk to 2f on its own", () => {
  assert.notEqual(simulationFailure(MUTANTS["quorums shrunk to 2f"], { numRuns: 20 }), null);
});

Deno.test("the pbft-quorums tests accept the core's rules", () => {
  assert.deepEqual([
    ...quorumFailures(PAPER),
    ...preparedFailures(PAPER),
    ...committedFailures(PAPER),
  ], []);
  assert.equal(simulationFailure(PAPER), null);
});
