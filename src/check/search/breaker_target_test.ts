import assert from "node:assert/strict";
import { breakerSearchTarget } from "./breaker_target.ts";
import { replay, search } from "./search.ts";

Deno.test("The search catches the seed's half-open flood and replays it from {seed, path}", () => {
  const found = search(breakerSearchTarget({ variant: "half-open-flood" }), { seed: 1 });
  assert.equal(found.ok, false);
  assert.equal(found.violations[0].invariant, "half-open-probes-bounded");
  assert.ok(found.counterexample!.faults.length >= 1, "it takes a fault to trip the breaker");
  const again = replay(breakerSearchTarget({ variant: "half-open-flood" }), found.replay!);
  assert.deepEqual(again.counterexample, found.counterexample);
});

Deno.test("The correct breaker survives the search", () => {
  assert.equal(search(breakerSearchTarget(), { seed: 1, numRuns: 100 }).ok, true);
});
