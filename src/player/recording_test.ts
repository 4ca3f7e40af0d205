import assert from "node:assert/strict";
import fc from "fast-check";
import {
  counterexampleToRecording,
  decodePlayerSession,
  decodeRecording,
  encodePlayerSession,
  encodeRecording,
  playerLink,
  validatePlayerSession,
  validateRecording,
} from "./recording.ts";
import type { BranchPoint, PlayerSession } from "./recording.ts";

/**
 * A version 1 permalink, as the player wrote it before links held every branch: the
 * playground's heartbeat run forked at event 120 (crash n1), cursor 121. It must keep
 * opening; tests/e2e/player_permalink_test.ts opens the same link in the browser.
 */
const OLD_PLAYER_LINK =
  "eyJzY2VuYXJpbyI6ImhlYXJ0YmVhdCIsInNlZWQiOjMsInBhcmFtcyI6eyJub2RlcyI6M30sImZhdWx0cyI6W3siYXRNcyI6MzAwLCJraW5kIjoicGFydGl0aW9uIiwiZ3JvdXBzIjpbWyJuMSIsIm4yIl0sWyJuMyJdXX0seyJhdE1zIjo3MDAsImtpbmQiOiJoZWFsIn0seyJhdE1zIjo5MDAsImtpbmQiOiJjcmFzaCIsIm5vZGUiOiJuMiJ9XSwiZm9ya3MiOlt7ImFmdGVyRXZlbnQiOjEyMCwiZmF1bHRzIjpbeyJraW5kIjoiY3Jhc2giLCJub2RlIjoibjEifV19XSwiY3Vyc29yIjoxMjF9";

/** The playground's recording: what a realistic permalink carries. */
const PLAYGROUND_RECORDING = {
  scenario: "heartbeat",
  seed: 3,
  params: { nodes: 3 },
  faults: [
    { atMs: 300, kind: "partition" as const, groups: [["n1", "n2"], ["n3"]] },
    { atMs: 700, kind: "heal" as const },
    { atMs: 900, kind: "crash" as const, node: "n2" },
  ],
};

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

Deno.test("an old (version 1) link still opens: its recording becomes main, forks and all", () => {
  const session = decodePlayerSession(OLD_PLAYER_LINK);
  assert.equal(session.main.scenario, "heartbeat");
  assert.deepEqual(session.main.forks, [
    { afterEvent: 120, faults: [{ kind: "crash", node: "n1" }] },
  ]);
  assert.deepEqual([session.branches, session.shown, session.cursor], [[], 0, 121]);
});

Deno.test("a session without forks encodes exactly as a version 1 link", () => {
  const main = validateRecording(PLAYGROUND_RECORDING);
  assert.equal(
    encodePlayerSession({ main, branches: [], shown: 0, cursor: 7 }),
    encodeRecording(main, 7),
  );
});

Deno.test("validatePlayerSession names the bad field", () => {
  const main = PLAYGROUND_RECORDING;
  const crash = { verb: "crash", node: "n1" };
  assert.throws(() => validatePlayerSession(null), /Player session must be an object/);
  assert.throws(
    () => validatePlayerSession({ main, branches: [{ from: 0, afterEvent: -1, change: crash }] }),
    /branch 1 afterEvent must be an integer >= 0/,
  );
  assert.throws(
    () => validatePlayerSession({ main, branches: [{ from: 0, afterEvent: 3, change: {} }] }),
    /branch 1 change must be a verb or faults/,
  );
  assert.throws(
    () => validatePlayerSession({ main, branches: [], shown: 1 }),
    /field shown must be a branch index \(0 to 0\), got 1/,
  );
  assert.throws(
    () => decodePlayerSession(btoa(JSON.stringify({ v: 9, r: main }))),
    /format version 9; this page reads versions 1 and 2/,
  );
});

const changeArbitrary = fc.oneof(
  fc.record({
    verb: fc.constantFrom("crash", "restart", "isolate", "heal", "loss", "latency"),
    node: fc.option(fc.constantFrom("n1", "n2", "n3"), { nil: undefined }),
    value: fc.option(fc.double({ min: 0, max: 1_000, noNaN: true }), { nil: undefined }),
  }, { requiredKeys: ["verb"] }),
  fc.record({
    faults: fc.array(
      fc.constantFrom(
        { kind: "crash" as const, node: "n2" },
        { kind: "heal" as const },
        { kind: "network" as const, set: { lossProbability: 0.25 } },
      ),
      { minLength: 1, maxLength: 3 },
    ),
  }),
);

const sessionArbitrary: fc.Arbitrary<PlayerSession> = fc
  .array(fc.tuple(fc.nat(), fc.nat({ max: 5_000 }), changeArbitrary), { maxLength: 12 })
  .chain((raw) => {
    // Each branch forks from an earlier one, so `from` is taken modulo its position.
    const branches: BranchPoint[] = raw.map(([from, afterEvent, change], i) => ({
      from: from % (i + 1),
      afterEvent,
      change,
    }));
    return fc.record({
      main: fc.constant(validateRecording(PLAYGROUND_RECORDING)),
      branches: fc.constant(branches),
      shown: fc.integer({ min: 0, max: branches.length }),
      cursor: fc.nat({ max: 5_000 }),
    });
  });

Deno.test("property: a player session survives the link encoding unchanged", () => {
  fc.assert(
    fc.property(sessionArbitrary, (session) => {
      const text = encodePlayerSession(session);
      assert.match(text, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodePlayerSession(text), validatePlayerSession(session));
    }),
    { seed: 20261202, numRuns: 300 },
  );
});
