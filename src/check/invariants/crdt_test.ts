import assert from "node:assert/strict";
import { CRDT_TYPE_NAMES, crdtTypeByName } from "../../crdt/mod.ts";
import { checkCrdtConvergence } from "./crdt_laws.ts";
import { runCrdtCluster } from "./crdt_run.ts";

const SEEDS = [1, 20260412];

for (const name of CRDT_TYPE_NAMES) {
  Deno.test(`${name} replicas converge to the specified value under reordering, duplication, loss and partitions`, () => {
    for (const seed of SEEDS) {
      const failure = checkCrdtConvergence(crdtTypeByName(name), { seed, numRuns: 15 });
      assert.equal(
        failure,
        null,
        failure === null
          ? ""
          : `${failure.property}: ${failure.message}\ncase: ${
            JSON.stringify(failure.counterexample)
          }\nreplay: ${JSON.stringify({ seed: failure.seed, path: failure.path })}`,
      );
    }
  });
}

Deno.test("the convergence check catches the counter that adds on merge and shrinks the case", () => {
  const failure = checkCrdtConvergence(crdtTypeByName("g-counter/sum-merge"), { seed: 1 });
  assert.ok(failure !== null);
  assert.ok(["strong-convergence", "specification"].includes(failure.property), failure.property);
  const c = failure.counterexample as { replicas: number; updates: number; partitions: number };
  assert.equal(c.replicas, 2);
  assert.ok(c.updates <= 2 && c.partitions === 0, JSON.stringify(c));
});

Deno.test("the convergence check catches the set whose remove beats a concurrent add", () => {
  const failure = checkCrdtConvergence(crdtTypeByName("or-set/name-tombstones"), { seed: 1 });
  assert.equal(failure?.property, "specification");
  assert.match(failure!.message, /replicas converged to .* but the or-set specification gives/);
});

Deno.test("duplicated deltas make the sum-merge counter's replicas disagree after the same updates", () => {
  const run = runCrdtCluster({
    type: "g-counter/sum-merge",
    seed: 4,
    updates: 20,
    duplicateProbability: 0.3,
    antiEntropyEvery: 0,
  });
  assert.ok(run.violations.some((v) => v.invariant === "strong-convergence"));
});

Deno.test("LWW on skewed physical clocks loses later writes; on hybrid logical clocks it does not", () => {
  // See the Time page's lww-skew experiment for the same effect swept over skew.
  const options = { type: "lww-register", seed: 3, updates: 80, clockSkewMs: 200 } as const;
  const physical = runCrdtCluster({ ...options, stamps: "physical" });
  const hlc = runCrdtCluster({ ...options, stamps: "hlc" });
  assert.ok(physical.converged && hlc.converged, "both converge: convergence is not the issue");
  const lost = physical.violations.filter((v) => v.invariant === "lww-lost-write");
  assert.ok(lost.length > 0);
  assert.match(lost[0].message, /had observed a write with a larger stamp and loses to it/);
  assert.deepEqual(hlc.violations, []);
  // Without skew, physical stamps lose nothing either.
  assert.deepEqual(
    runCrdtCluster({ ...options, clockSkewMs: 0, stamps: "physical" }).violations,
    [],
  );
});

Deno.test("delta mode sends fewer payload bytes than whole-state mode for the same run", () => {
  const common = { type: "lww-map", seed: 2, updates: 100, replicas: 4 } as const;
  const delta = runCrdtCluster({ ...common, mode: "delta" });
  const state = runCrdtCluster({ ...common, mode: "state" });
  assert.ok(delta.converged && state.converged);
  assert.deepEqual(delta.finalValues, state.finalValues);
  assert.ok(
    delta.payloadBytes < state.payloadBytes,
    `${delta.payloadBytes} vs ${state.payloadBytes}`,
  );
});

Deno.test("runCrdtCluster is deterministic and validates its options by name", () => {
  const a = runCrdtCluster({
    type: "or-set",
    seed: 9,
    updates: 30,
    partitions: 2,
    lossProbability: 0.2,
  });
  const b = runCrdtCluster({
    type: "or-set",
    seed: 9,
    updates: 30,
    partitions: 2,
    lossProbability: 0.2,
  });
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.samples, b.samples);
  assert.throws(
    () => runCrdtCluster({ type: "or-set", seed: 1, replicas: 1 }),
    /runCrdtCluster: option replicas must be an integer in \[2, 12\], got 1/,
  );
});
