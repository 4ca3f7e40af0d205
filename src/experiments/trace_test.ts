import assert from "node:assert/strict";
import { spanTreeViolations } from "../observe/mod.ts";
import { runExperiment } from "./run.ts";
import { runShop } from "./trace_shop.ts";
import { selfTimes } from "./trace.ts";

Deno.test("Every shop request makes one well-formed span tree across five services", () => {
  const shop = runShop({ seed: 4, requests: 20 });
  for (const request of shop.requests) {
    const spans = shop.spans.filter((s) => s.traceId === request.traceId);
    assert.deepEqual(spanTreeViolations(spans, { nested: true }), [], request.traceId);
    assert.equal(new Set(spans.map((s) => s.service)).size, 5);
  }
});

Deno.test("The trace points at whichever dependency was made slow, the metrics do not", () => {
  for (const slowService of ["inventory", "payments"] as const) {
    const run = runExperiment("trace", { slowService, slowMs: 40, failingService: "none" }, 2);
    const summary = run.summary as { traceSays: string; metricsSay: string };
    assert.match(summary.traceSays, new RegExp(`on ${slowService} spent`));
    assert.doesNotMatch(summary.metricsSay, new RegExp(slowService));
  }
});

Deno.test("Error logs carry the trace id of a failed request", () => {
  const shop = runShop({ seed: 3, requests: 60, errorProbability: { payments: 0.3 } });
  const failed = shop.requests.filter((r) => !r.ok);
  assert.ok(failed.length > 0);
  for (const r of failed) {
    assert.ok(shop.logs.some((l) => l.level === "error" && l.trace_id === r.traceId), r.traceId);
  }
});

Deno.test("selfTimes counts parallel children once", () => {
  const base = {
    traceId: "t",
    service: "s",
    kind: "internal" as const,
    attributes: {},
    events: [],
    status: { code: "unset" as const },
  };
  const spans = [
    { ...base, spanId: "a", parentSpanId: "", name: "a", startMs: 0, endMs: 10 },
    { ...base, spanId: "b", parentSpanId: "a", name: "b", startMs: 2, endMs: 6 },
    { ...base, spanId: "c", parentSpanId: "a", name: "c", startMs: 4, endMs: 8 },
  ];
  assert.equal(selfTimes(spans).get("a"), 4);
});
