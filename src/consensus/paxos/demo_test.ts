import assert from "node:assert/strict";
import { multiPaxosDemo, paxosDemo } from "./demo.ts";

Deno.test("paxosDemo: every learner learns the one proposed value, deterministically", () => {
  const run = paxosDemo({ seed: 4, acceptors: 5 });
  assert.deepEqual(Object.values(run.learned), ["v1", "v1", "v1", "v1", "v1"]);
  assert.ok(run.decidedAtMs !== null && run.decidedAtMs > 0);
  assert.equal(paxosDemo({ seed: 4, acceptors: 5 }).traceHash, run.traceHash);
  assert.throws(
    () => paxosDemo({ seed: 1, proposers: 0 }),
    /proposers must be an integer in \[1, 9\]/,
  );
});

Deno.test("multiPaxosDemo: after the leader crashes a new one takes over and logs agree", () => {
  const run = multiPaxosDemo({ seed: 1 });
  assert.ok(run.leaders.length >= 2, `leaders ${run.leaders}`);
  const logs = Object.values(run.logs).map((log) => log.join(","));
  assert.ok(logs[0].length > 0);
  for (const log of logs) assert.equal(log, logs[0]);
});
