import assert from "node:assert/strict";
import { crdtConvergeExperiment } from "./crdt_converge.ts";

Deno.test("crdt-converge: an OR-Set converges to its specification after partitions heal", () => {
  const { summary, charts } = crdtConvergeExperiment.run({ updates: 60 }, 1);
  assert.equal(summary.converged, true);
  assert.equal(summary.valueMatchesSpec, true);
  assert.equal(summary.violations, 0);
  assert.equal(typeof summary.convergenceMs, "number");
  assert.ok((summary.stateBytes as number) > 0);
  assert.ok((summary.payloadBytes as number) < (summary.payloadBytesStateMode as number));
  assert.equal(charts.length, 2);
});

Deno.test("crdt-converge shows each known-broken variant failing its check", () => {
  const sum = crdtConvergeExperiment.run({ type: "g-counter/sum-merge", updates: 30 }, 1).summary;
  assert.equal(sum.valueMatchesSpec, false);
  assert.ok((sum.violations as number) > 0);
  assert.match(sum.firstViolation as string, /saw the same .* updates but hold values/);
  const tomb =
    crdtConvergeExperiment.run({ type: "or-set/name-tombstones", updates: 60 }, 1).summary;
  assert.equal(tomb.converged, true);
  assert.equal(tomb.valueMatchesSpec, false);
  const skew = crdtConvergeExperiment.run(
    { type: "lww-register", stamps: "physical", clockSkewMs: 200, updates: 60 },
    1,
  ).summary;
  assert.ok((skew.violations as number) > 0);
  assert.match(skew.firstViolation as string, /loses to it/);
});

Deno.test("crdt-converge is deterministic per seed", () => {
  const a = crdtConvergeExperiment.run({ updates: 20 }, 4);
  const b = crdtConvergeExperiment.run({ updates: 20 }, 4);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
});
