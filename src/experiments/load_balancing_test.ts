import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("load-balancing: load-aware policies cut the p99 that a slow backend gives round robin", () => {
  const run = runExperiment("load-balancing", { durationMs: 5000 }, 1);
  const p99 = run.summary.p99Ms as Record<string, number>;
  const p50 = run.summary.p50Ms as Record<string, number>;
  assert.deepEqual(Object.keys(p99), [
    "round-robin",
    "random",
    "least-outstanding",
    "power-of-two",
  ]);
  for (const policy of Object.keys(p99)) assert.ok(p50[policy] <= p99[policy]);
  assert.ok(p99["least-outstanding"] < p99["round-robin"] / 2);
  assert.ok(p99["power-of-two"] < p99["round-robin"] / 2);
  const share = run.summary.shareToSlow as Record<string, number>;
  assert.ok(Math.abs(share["round-robin"] - 0.2) < 0.01, "round robin gives the slow backend 1/5");
  assert.ok(share["power-of-two"] < 0.15);
});

Deno.test("load-balancing with identical backends gives every policy a similar median", () => {
  const run = runExperiment(
    "load-balancing",
    { durationMs: 3000, slowBackends: 0, policy: "all" },
    2,
  );
  const p50 = Object.values(run.summary.p50Ms as Record<string, number>);
  assert.ok(Math.max(...p50) < 3 * Math.min(...p50));
});
