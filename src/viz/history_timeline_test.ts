import assert from "node:assert/strict";
import { checkHistory, parseHistory } from "../check/mod.ts";
import { historyTimeline } from "./history_timeline.ts";

const STALE_READ = await Deno.readTextFile(
  new URL("../../tests/fixtures/histories/stale_read.jsonl", import.meta.url),
);

Deno.test("historyTimeline draws one lane per process with the culprit highlighted", () => {
  const violation = checkHistory(parseHistory(STALE_READ)).violation!;
  const spec = historyTimeline(violation.timeline, { width: 500 });
  // JSON-serialisable: nothing is lost in a round trip.
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  const values = (spec.data as { values: { lane: string; label: string; role: string }[] })
    .values;
  assert.deepEqual(values.map((v) => [v.lane, v.label, v.role]), [
    ["process 1", "w(x,1)", "writer"],
    ["process 2", "w(x,2)", "preceding"],
    ["process 3", "r(x)=1", "culprit"],
  ]);
  assert.equal(spec.width, 500);
  assert.equal(spec.height, 3 * 32);
});

Deno.test("historyTimeline is pure: the same data gives the same spec", () => {
  const violation = checkHistory(parseHistory(STALE_READ)).violation!;
  assert.deepEqual(historyTimeline(violation.timeline), historyTimeline(violation.timeline));
});

Deno.test("historyTimeline compiles with Vega-Lite", async () => {
  const vl = await import("vega-lite");
  const violation = checkHistory(parseHistory(STALE_READ)).violation!;
  const compiled = vl.compile(historyTimeline(violation.timeline) as never);
  assert.ok(compiled.spec);
});

Deno.test("historyTimeline rejects a non-positive width", () => {
  const violation = checkHistory(parseHistory(STALE_READ)).violation!;
  assert.throws(() => historyTimeline(violation.timeline, { width: 0 }), /width must be > 0/);
});
