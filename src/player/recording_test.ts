import assert from "node:assert/strict";
import {
  counterexampleToRecording,
  decodeRecording,
  encodeRecording,
  playerLink,
  validateRecording,
} from "./recording.ts";

Deno.test("validateRecording names the bad field", () => {
  assert.throws(() => validateRecording(null), /Recording must be an object/);
  assert.throws(() => validateRecording({ scenario: "", seed: 1 }), /field scenario/);
  assert.throws(
    () => validateRecording({ scenario: "x", seed: 1.5 }),
    /field seed must be an integer/,
  );
  assert.throws(
    () => validateRecording({ scenario: "x", seed: 1, faults: [{ kind: "meteor" }] }),
    /unknown kind/,
  );
  assert.throws(
    () =>
      validateRecording({
        scenario: "x",
        seed: 1,
        forks: [{ afterEvent: 5, faults: [] }, { afterEvent: 2, faults: [] }],
      }),
    /afterEvent must be an integer >= 5/,
  );
});

Deno.test("a recording survives the URL encoding, unicode included", () => {
  const recording = validateRecording({
    scenario: "heartbeat",
    seed: -3,
    params: { label: "naïve ✓" },
    faults: [{ atMs: 1, kind: "heal" }],
  });
  const text = encodeRecording(recording, 12);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeRecording(text), { recording, cursor: 12 });
});

Deno.test("decodeRecording rejects garbage with a clear message", () => {
  assert.throws(() => decodeRecording("%%%"), /Player link is malformed/);
});

Deno.test("a counterexample becomes a player link and back", () => {
  const cx = {
    experiment: "heartbeat",
    seed: 9,
    params: { nodes: 5 },
    faults: [{ atMs: 250, kind: "crash" as const, node: "n4" }],
    untilMs: 900,
  };
  const link = playerLink(cx, { base: "http://127.0.0.1:3000/playground" });
  const [, hash] = link.split("#player=");
  assert.deepEqual(decodeRecording(hash).recording, counterexampleToRecording(cx));
});
