import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

const small = { durationMs: 8000, slowStartMs: 2000, slowMs: 4000 };

Deno.test("cascade: without protection a route that never touches the database fails with it", () => {
  const run = runExperiment("cascade", small, 1);
  const catalog = run.summary.catalogSuccessDuringFault as Record<string, number>;
  assert.ok(catalog.none < 0.8, `catalog suffers from the slow database: ${catalog.none}`);
  for (const p of ["timeouts", "breakers", "bulkheads", "deadlines"]) {
    assert.ok(catalog[p] > 0.95, `${p} keeps catalog up: ${catalog[p]}`);
  }
  const rows = run.summary.protections as { protection: string; maxBusyWeb: number }[];
  assert.equal(
    rows.find((r) => r.protection === "none")!.maxBusyWeb,
    16,
    "all of web's workers blocked",
  );
  assert.ok(
    rows.find((r) => r.protection === "bulkheads")!.maxBusyWeb <= 9,
    "the bulkhead holds half",
  );
});

Deno.test("cascade is deterministic per seed", () => {
  const a = runExperiment("cascade", { ...small, protection: "none" }, 4);
  const b = runExperiment("cascade", { ...small, protection: "none" }, 4);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
});
