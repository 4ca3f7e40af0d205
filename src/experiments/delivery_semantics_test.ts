import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("delivery-semantics reports lost, duplicated and reordered per system and setting", () => {
  const run = runExperiment("delivery-semantics", { runs: 1, messages: 60 }, 3);
  const { lost, duplicated, reordered, unsupported } = run.summary as Record<
    string,
    Record<string, number>
  >;
  for (const system of ["log", "queue", "stream"]) {
    assert.equal(lost[`${system} · at-least-once`], 0, system);
    assert.equal(lost[`${system} · effectively-once`], 0, system);
    assert.equal(duplicated[`${system} · effectively-once`], 0, system);
  }
  assert.equal(reordered["log · effectively-once"], 0);
  assert.ok(
    lost["pubsub · at-most-once"] > 0,
    "fire-and-forget loses what a dead subscriber misses",
  );
  assert.ok(reordered["log · assume-order-across-partitions"] > 0);
  assert.match(String(unsupported), /pubsub · at-least-once/);
  assert.equal(run.charts.length, 1);
  assert.equal(typeof run.traceHash, "string");
});

Deno.test("delivery-semantics is deterministic per seed", () => {
  const a = runExperiment("delivery-semantics", { runs: 1, messages: 40, variants: false }, 5);
  const b = runExperiment("delivery-semantics", { runs: 1, messages: 40, variants: false }, 5);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.summary, b.summary);
});
