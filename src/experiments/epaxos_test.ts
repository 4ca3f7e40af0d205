import assert from "node:assert/strict";
import { epaxosExperiment, runEpaxosScenario } from "./epaxos.ts";

Deno.test("The epaxos experiment is deterministic per seed and shows the leaderless protocol winning far from the Multi-Paxos leader", () => {
  const params = { requests: 8 };
  const a = epaxosExperiment.run(params, 3);
  const b = epaxosExperiment.run(params, 3);
  assert.equal(a.traceHash, b.traceHash);
  const summary = a.summary as {
    epaxos: { conflictPercent: number; fastPathRatio: number }[];
    sitesWhereEpaxosWins: string[];
    violations: number;
  };
  assert.equal(summary.violations, 0);
  assert.ok(summary.sitesWhereEpaxosWins.includes("JP"), JSON.stringify(summary));
  const ratio = (p: number) => summary.epaxos.find((r) => r.conflictPercent === p)!.fastPathRatio;
  assert.equal(ratio(0), 1, "no conflicts, every command on the fast path");
  assert.ok(ratio(100) < ratio(0));
});

Deno.test("An EPaxos scenario with a replica crashed and restarted keeps every invariant, and recovers its instances", () => {
  const run = runEpaxosScenario(2, { crash: "r1", horizonMs: 2000 });
  assert.deepEqual(run.violations, []);
  assert.ok(run.events.some((e) => e.kind === "state" && e.key === "recovery"));
});

Deno.test("runEpaxosScenario names a bad option", () => {
  assert.throws(() => runEpaxosScenario(1, { replicas: 4 }), /option replicas/);
  assert.throws(() => runEpaxosScenario(1, { crash: "r9" }), /option crash/);
});
