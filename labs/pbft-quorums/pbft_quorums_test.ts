/**
 * Tests for the PBFT quorums lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadLab } from "../_lib/load.ts";
import type { PbftQuorumsLab } from "./api.ts";
import {
  committedFailures,
  preparedFailures,
  quorumFailures,
  simulationFailure,
} from "./checks.ts";

const lab = await loadLab<PbftQuorumsLab>(import.meta.url);

Deno.test("quorum sizes overlap in f + 1 replicas (2f + 1 of 3f + 1) and clients wait for f + 1 replies, for n = 4 to 13", () => {
  const failures = quorumFailures(lab);
  assert.deepEqual(failures, [], failures.join("\n"));
});

Deno.test("two commit quorums share a correct replica whichever f replicas lie (property)", () => {
  const seed = 4242;
  // Two quorums of q among n replicas share at least 2q - n of them; all f liars may be there.
  const result = fc.check(
    fc.property(fc.integer({ min: 4, max: 40 }), (n) => {
      const q = lab.quorums(n);
      return 2 * q.commits - n - q.f >= 1 && q.commits <= n - q.f;
    }),
    { seed, numRuns: 200 },
  );
  assert.ok(
    !result.failed,
    `n = ${
      JSON.stringify(result.counterexample?.[0])
    }: either two commit quorums can meet only in ` +
      `liars, or a quorum needs a liar's vote (replay with ${
        JSON.stringify({ seed, path: result.failed ? result.counterexamplePath : "" })
      })`,
  );
});

Deno.test("isPrepared needs the primary's PrePrepare and 2f matching Prepares from distinct backups", () => {
  const failures = preparedFailures(lab);
  assert.deepEqual(failures, [], failures.join("\n"));
});

Deno.test("isCommittedLocal needs a prepared request and 2f + 1 matching Commits from distinct replicas", () => {
  const failures = committedFailures(lab);
  assert.deepEqual(failures, [], failures.join("\n"));
});

Deno.test("four replicas on your rules complete requests and survive an equivocating primary", () => {
  const failure = simulationFailure(lab, { behaviour: "equivocate" });
  assert.equal(failure, null, failure ?? "");
});
