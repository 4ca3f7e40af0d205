/**
 * Tests for the CRDT lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). A failing property prints the smallest case
 * fast-check found and the `{seed, path}` that replays it.
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { CrdtLab } from "./api.ts";
import { checkCrdtConvergence, checkCrdtLaws } from "../../src/mod.ts";
import { orSetExamples, pnCounterExamples } from "./cases.ts";

const lab = await loadLab<CrdtLab>(import.meta.url);

function report(failure: ReturnType<typeof checkCrdtLaws>): string {
  return failure === null
    ? ""
    : `${failure.property}: ${failure.message}\n  smallest case: ${
      JSON.stringify(failure.counterexample)
    }\n  replay: checkCrdtLaws/checkCrdtConvergence(type, { seed: ${failure.seed}, path: "${failure.path}" })`;
}

Deno.test("the PN-Counter is named pn-counter and passes the worked examples", () => {
  const c = lab.pnCounter();
  assert.equal(c.name, "pn-counter");
  const failures = pnCounterExamples(c);
  assert.deepEqual(failures.map((f) => f.message), []);
});

Deno.test("the PN-Counter's merge is commutative, associative and idempotent, and updates inflate", () => {
  const failure = checkCrdtLaws(lab.pnCounter(), { seed: 1, numRuns: 200 });
  assert.equal(failure, null, report(failure));
});

Deno.test("PN-Counter replicas converge to the sum of all updates on a bad network", () => {
  const failure = checkCrdtConvergence(lab.pnCounter(), { seed: 1, numRuns: 20 });
  assert.equal(failure, null, report(failure));
});

Deno.test("the OR-Set is named or-set and passes the worked examples (add wins)", () => {
  const o = lab.orSet();
  assert.equal(o.name, "or-set");
  const failures = orSetExamples(o);
  assert.deepEqual(failures.map((f) => f.message), []);
});

Deno.test("the OR-Set's merge is commutative, associative and idempotent, and updates inflate", () => {
  const failure = checkCrdtLaws(lab.orSet(), { seed: 1, numRuns: 200 });
  assert.equal(failure, null, report(failure));
});

Deno.test("OR-Set replicas converge to the add-wins specification on a bad network", () => {
  const failure = checkCrdtConvergence(lab.orSet(), { seed: 1, numRuns: 20 });
  assert.equal(failure, null, report(failure));
});
