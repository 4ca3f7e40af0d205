import assert from "node:assert/strict";
import { pbftExperiment } from "./pbft.ts";

Deno.test("The pbft experiment shows PBFT's messages per request growing faster than Raft's, with agreement kept under f Byzantine replicas", () => {
  const result = pbftExperiment.run({ maxReplicas: 10, replicas: 4, requests: 6 }, 1);
  const { pbft, raft } = result.summary.messagesPerRequest as Record<
    string,
    Record<string, number>
  >;
  assert.deepEqual(Object.keys(pbft), ["4", "7", "10"]);
  // Quadratic against linear: from n = 4 to n = 10 PBFT grows by well over (10 / 4), Raft by less.
  assert.ok(pbft["10"] / pbft["4"] > 4, `PBFT ${JSON.stringify(pbft)}`);
  assert.ok(raft["10"] / raft["4"] < 4, `Raft ${JSON.stringify(raft)}`);
  assert.ok(pbft["10"] > 3 * raft["10"]);
  const sweep = result.summary.faultSweep as { runs: { completed: number; violations: number }[] };
  assert.equal(sweep.runs.length, 2);
  for (const run of sweep.runs) assert.equal(run.completed, 12);
  assert.equal(result.summary.agreementViolations, 0);
  assert.equal(typeof result.traceHash, "string");
  assert.equal(result.charts.length, 2);
});

Deno.test("The pbft experiment is deterministic for a seed", () => {
  const params = { maxReplicas: 4, replicas: 4, requests: 3, behaviour: "equivocate" };
  assert.equal(pbftExperiment.run(params, 5).traceHash, pbftExperiment.run(params, 5).traceHash);
});

Deno.test("The pbft experiment names a bad parameter", () => {
  assert.throws(
    () => pbftExperiment.run({ replicas: 3 }, 1),
    /parameter replicas must be an integer in \[4, 13\]/,
  );
  assert.throws(() => pbftExperiment.run({ behaviour: "sneaky" }, 1), /parameter behaviour/);
});
