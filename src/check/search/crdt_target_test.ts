import assert from "node:assert/strict";
import { crdtSearchTarget } from "./crdt_target.ts";
import { replay, search } from "./search.ts";

for (const type of ["g-counter/sum-merge", "or-set/name-tombstones"]) {
  Deno.test(`the search finds ${type} within the default budget and replays it`, () => {
    const result = search(crdtSearchTarget({ type }), { seed: 1 });
    assert.equal(result.ok, false);
    assert.ok(result.replay !== undefined);
    console.log(
      `${type}: ${result.violations[0].message}\nreplay: ${JSON.stringify(result.replay)}`,
    );
    const again = replay(crdtSearchTarget({ type }), result.replay);
    assert.deepEqual(again.violations, result.violations);
  });
}

Deno.test("the search finds nothing wrong with the OR-Set and the PN-Counter in 60 cases each", () => {
  for (const type of ["or-set", "pn-counter"]) {
    const result = search(crdtSearchTarget({ type }), { seed: 7, numRuns: 60 });
    assert.ok(result.ok, `${type}: ${result.violations[0]?.message}`);
  }
});

Deno.test("crdtSearchTarget validates its options by name", () => {
  assert.throws(
    () => crdtSearchTarget({ replicas: 1 }),
    /option replicas must be an integer in \[2, 9\], got 1/,
  );
  assert.throws(
    () => crdtSearchTarget({ recoveryAtMs: 900, horizonMs: 800 }),
    /0 < recoveryAtMs < horizonMs/,
  );
});
