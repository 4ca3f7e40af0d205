import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("replication-failover loses acknowledged writes only in async mode", () => {
  const lost = (mode: string) =>
    runExperiment("replication-failover", { mode, writes: 40 }, 1).summary.acknowledgedLost;
  assert.equal(lost("sync"), 0);
  assert.equal(lost("semi-sync"), 0);
  assert.ok((lost("async") as number) > 0);
});

Deno.test("replication-failover counts stale follower reads and split brain without fencing", () => {
  const async = runExperiment("replication-failover", { mode: "async", writes: 40 }, 1).summary;
  assert.ok((async.staleReads as number) > 0);
  assert.equal(async.splitBrain, 0);
  const unfenced = runExperiment("replication-failover", { variant: "no-fencing", writes: 40 }, 1);
  assert.equal(unfenced.summary.splitBrain, 1);
  assert.match(unfenced.traceHash, /\S/);
});
