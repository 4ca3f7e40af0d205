import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("a passing search's traceHash covers its scenarios: cluster size, protocol and nemesis change it", () => {
  const hash = (name: string, params: Record<string, unknown>) => {
    const run = runExperiment(name, { numRuns: 5, ...params }, 1);
    assert.equal(run.summary.ok, true, `${name} ${JSON.stringify(params)} passes`);
    return run.traceHash;
  };
  const hashes = [
    hash("raft-search", {}),
    hash("raft-search", { servers: 5 }),
    hash("raft-search", { nemesis: "mixed" }),
    hash("paxos-search", {}),
    hash("paxos-search", { nodes: 5 }),
    hash("paxos-search", { protocol: "single" }),
  ];
  assert.equal(new Set(hashes).size, hashes.length, `hashes ${hashes.join(", ")}`);
  assert.equal(hash("raft-search", { servers: 5 }), hashes[1], "and it is deterministic");
});

Deno.test("a failing search reports its shrink runs apart from the scenarios it generated", () => {
  const run = runExperiment("paxos-search", { variant: "forget-accepted", numRuns: 300 }, 1);
  assert.equal(run.summary.ok, false);
  const { casesRun, shrinkRuns, runsToFirstViolation } = run.summary as Record<string, number>;
  assert.equal(casesRun, runsToFirstViolation, "scenarios: up to the first failure");
  assert.ok(shrinkRuns > 0, "shrinking ran more cases, counted apart");
});
