import assert from "node:assert/strict";
import { gameDayFault, runGameDay } from "./game_day.ts";
import { runExperiment } from "./run.ts";
import { runShop } from "./trace_shop.ts";

const params = { runs: 4, requests: 40, sloP99Ms: 80, sloErrorRate: 0.02, faultMs: 300 };

Deno.test("game-day's steady state holds the hypothesis before any fault", () => {
  const result = runGameDay(params, 1);
  assert.match(String(result.summary.steadyState), /^holds/);
});

Deno.test("A crashed dependency breaks the hypothesis and a clock jump does not", () => {
  const crash = runShop({
    seed: 2,
    requests: 40,
    faults: gameDayFault("crash", "payments", 200, 300),
  });
  assert.ok(crash.errors > 0);
  const jump = runShop({
    seed: 2,
    requests: 40,
    faults: gameDayFault("clock-jump", "payments", 200, 300),
  });
  const calm = runShop({ seed: 2, requests: 40 });
  assert.equal(jump.errors, 0);
  assert.equal(
    jump.latency.quantile(0.99),
    calm.latency.quantile(0.99),
    "the shop reads no wall clock",
  );
});

Deno.test("game-day judges every run and is deterministic per seed", () => {
  const a = runExperiment("game-day", params, 3);
  const b = runExperiment("game-day", params, 3);
  assert.equal(a.traceHash, b.traceHash);
  assert.equal(Number(a.summary.held) + Number(a.summary.broken), params.runs);
  assert.equal(Object.keys(a.summary.perRun as object).length, params.runs);
});
