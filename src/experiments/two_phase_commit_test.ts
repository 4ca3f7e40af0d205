import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("two-phase-commit blocks participants for about the downtime inside the window", () => {
  const run = runExperiment("two-phase-commit", { crashToMs: 40, crashStepMs: 4, trials: 4 }, 1);
  const s = run.summary as {
    baselineBlockedMs: number;
    maxBlockedMs: number;
    blockingWindowMs: [number, number] | null;
    points: { crashAtMs: number; variant: string; blockedMs: number; violations: number }[];
  };
  assert.ok(s.baselineBlockedMs < 100, `baseline ${s.baselineBlockedMs}`);
  assert.ok(s.maxBlockedMs > 200, `max ${s.maxBlockedMs} ms with the coordinator down 300 ms`);
  assert.ok(s.blockingWindowMs !== null && s.blockingWindowMs[0] > 0);
  // A crash at time 0, before any Prepare, costs nothing but a presumed abort.
  const first = s.points.find((p) => p.variant === "correct" && p.crashAtMs === 0)!;
  assert.ok(first.blockedMs < 100);
  assert.equal(
    s.points.filter((p) => p.variant === "correct").reduce((n, p) => n + p.violations, 0),
    0,
  );
});

Deno.test("two-phase-commit shows unilateral aborts breaking atomicity", () => {
  const run = runExperiment("two-phase-commit", {}, 1);
  assert.ok((run.summary.violations as number) > 0);
});
