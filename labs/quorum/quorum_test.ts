/**
 * Tests for the quorum lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`).
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { QuorumLab } from "./api.ts";
import { quorumCaseFailures, quorumPropertyFailure, quorumSimulationVerdict } from "./cases.ts";

const lab = await loadLab<QuorumLab>(import.meta.url);

Deno.test("quorumsOverlap, newestReply and staleNodes answer the case table", () => {
  assert.deepEqual(quorumCaseFailures(lab), []);
});

Deno.test("A read never returns an older version than a reply, and repairs exactly the stale replicas", () => {
  const failure = quorumPropertyFailure(lab);
  assert.equal(failure, null, failure ?? "");
});

Deno.test("A quorum store reading with your newestReply stays linearizable when a failed write lingers", () => {
  assert.equal(
    quorumSimulationVerdict(lab),
    "linearizable",
    "the checker found a stale read: the read picked an older reply than one it had in hand",
  );
});
