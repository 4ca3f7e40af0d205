import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";

Deno.test("quorum: ABD with R + W > N is linearizable, Dynamo's defaults are not", () => {
  const abd = runExperiment("quorum", { consistency: "abd", ops: 20 }, 1).summary;
  assert.equal(abd.verdict, "linearizable");
  assert.equal(abd.staleReads, 0);
  const dynamo = runExperiment("quorum", { consistency: "dynamo", ops: 20, clientSkewMs: 50 }, 1);
  assert.ok(
    (dynamo.data.sweep as { verdict: string; overlap: boolean }[])
      .some((p) => p.overlap && p.verdict === "not-linearizable"),
    "some R + W > N setting should still fail the checker",
  );
  assert.throws(() => runExperiment("quorum", { n: 2, r: 3 }, 1), /parameter r must be <= n/);
});

Deno.test("cap: the CP store refuses the minority side, the AP store serves it and shows anomalies", () => {
  const { cp, ap } = runExperiment("cap", { ops: 40 }, 1).summary as Record<
    string,
    { minorityAvailability: number; majorityAvailability: number; verdict: string }
  >;
  assert.ok(cp.minorityAvailability < 0.5);
  assert.ok(cp.majorityAvailability > 0.9);
  assert.equal(cp.verdict, "linearizable");
  assert.equal(ap.minorityAvailability, 1);
  assert.equal(ap.verdict, "not-linearizable");
});

Deno.test("pacelc: stronger consistency levels cost latency with no partition", () => {
  const summary = runExperiment("pacelc", { ops: 20 }, 1).summary as Record<
    string,
    { writeLatencyP50Ms: number }
  >;
  assert.ok(summary["ALL (R3 W3)"].writeLatencyP50Ms > summary["ONE (R1 W1)"].writeLatencyP50Ms);
});

Deno.test("anti-entropy: Merkle bytes grow with differences and stay below a full sync", () => {
  const rows = runExperiment("anti-entropy", {}, 1).summary.rows as {
    differences: number;
    merkleBytes: number;
    fullBytes: number;
  }[];
  assert.ok(rows.every((r) => r.merkleBytes < r.fullBytes));
  assert.ok(rows[1].merkleBytes < rows.at(-1)!.merkleBytes);
});
