import assert from "node:assert/strict";
import fc from "fast-check";
import {
  latestStates,
  PlayerBranches,
  PlayerModel,
  record,
  replayRecording,
} from "./player_model.ts";
import {
  decodePlayerSession,
  decodeRecording,
  encodePlayerSession,
  encodeRecording,
  faultsFromTrace,
} from "./recording.ts";
import { heartbeatScenario } from "./scenarios.ts";
import type { PlayerScenario } from "./scenarios.ts";
import type { TraceEvent } from "../sim/trace.ts";
import type { Recording } from "./recording.ts";

const base: Recording = {
  scenario: "heartbeat",
  seed: 11,
  params: { nodes: 3 },
  faults: [
    { atMs: 300, kind: "partition", groups: [["n1", "n2"], ["n3"]] },
    { atMs: 600, kind: "heal" },
  ],
};

Deno.test("record gives the same tape for the same recording", () => {
  const a = record(base), b = record(base);
  assert.equal(JSON.stringify(a.events), JSON.stringify(b.events));
  assert.ok(a.events.length > 100);
  assert.equal(a.truncated, false);
});

Deno.test("record gives a different tape for a different seed", () => {
  const a = record(base), b = record({ ...base, seed: 12 });
  assert.notEqual(JSON.stringify(a.events), JSON.stringify(b.events));
});

Deno.test("the partition makes n3 suspected and the heal clears the suspicion", () => {
  const tape = record(base);
  const during = latestStates(tape.events.filter((e) => e.t < 600));
  assert.deepEqual(during.n1.suspects, ["n3"]);
  const after = latestStates(tape.events);
  assert.deepEqual(after.n1.suspects, []);
});

Deno.test("PlayerModel steps, seeks and clamps its cursor", () => {
  const player = new PlayerModel(base);
  assert.equal(player.cursor, 0);
  assert.equal(player.step(), 1);
  assert.equal(player.step(10), 11);
  assert.equal(player.step(-3), 8);
  assert.equal(player.seek(-5), 0);
  assert.equal(player.seek(1e9), player.length);
  assert.ok(player.atEnd);
});

Deno.test("a snapshot re-simulates the world at the cursor, including crashed nodes", () => {
  const crashy: Recording = { ...base, faults: [{ atMs: 400, kind: "crash", node: "n2" }] };
  const player = new PlayerModel(crashy);
  const crashIndex = player.tape.events.findIndex((e) => e.kind === "crash");
  const before = player.snapshot(crashIndex - 1);
  const after = player.snapshot(crashIndex + 1);
  assert.equal(before.nodes.find((n) => n.id === "n2")?.up, true);
  assert.equal(after.nodes.find((n) => n.id === "n2")?.up, false);
  // Process views come from the re-simulation: n1 has sent some heartbeats by then.
  const n1 = after.nodes.find((n) => n.id === "n1")!.process as { seq: number };
  assert.ok(n1.seq >= 7, `n1 sent ${n1.seq} heartbeats by 400ms`);
});

Deno.test("a fork keeps the prefix, applies the fault at the cursor and changes the rest", () => {
  const player = new PlayerModel(base);
  player.seek(120);
  const branch = player.fork([{ kind: "crash", node: "n1" }]);
  const at = player.forkPoint();
  assert.ok(at >= 120);
  assert.equal(branch.commonPrefix(player), at);
  assert.deepEqual(branch.tape.events[at], {
    t: player.tape.events[at - 1].t,
    kind: "fault",
    fault: { atMs: player.tape.events[at - 1].t, kind: "crash", node: "n1" },
  });
  assert.equal(branch.parent, player);
  assert.equal(branch.snapshot(branch.length).nodes[0].up, false);
});

Deno.test("a knob change is a fork too, and forks nest", () => {
  const player = new PlayerModel(base);
  player.seek(50);
  const lossy = player.fork([{ kind: "network", set: { lossProbability: 0.5 } }]);
  lossy.seek(200);
  const both = lossy.fork([{ kind: "crash", node: "n3" }]);
  assert.equal(both.recording.forks?.length, 2);
  assert.ok(both.tape.events.some((e) => e.kind === "drop" && e.reason === "loss"));
  assert.ok(both.commonPrefix(lossy) >= 200);
});

Deno.test("forking a fork before its own fork point starts from the common prefix", () => {
  const player = new PlayerModel(base);
  player.seek(200);
  const late = player.fork([{ kind: "crash", node: "n1" }]);
  late.seek(60);
  // Before this fix the recording listed the fork at 200 before the new one at 60 and refused
  // itself ("afterEvent must be an integer >= 200").
  const early = late.fork([{ kind: "crash", node: "n2" }]);
  assert.deepEqual(early.recording.forks?.map((f) => f.afterEvent), [late.forkPoint(60)]);
  assert.ok(
    !early.tape.events.some((e) =>
      e.kind === "fault" && e.fault.kind === "crash" &&
      e.fault.node === "n1"
    ),
  );
  assert.equal(early.commonPrefix(player), early.recording.forks?.[0].afterEvent);
});

Deno.test("a permalink restores the same branch and cursor", () => {
  const player = new PlayerModel(base);
  player.seek(77);
  const branch = player.fork([{ kind: "slow", node: "n2", processingMs: 30 }]);
  const { recording, cursor } = decodeRecording(encodeRecording(branch.recording, branch.cursor));
  const restored = new PlayerModel(recording, { cursor });
  assert.equal(restored.cursor, branch.cursor);
  assert.equal(JSON.stringify(restored.tape.events), JSON.stringify(branch.tape.events));
});

Deno.test("replay stops at the event bound and marks the tape truncated", () => {
  const tape = record({ ...base, untilMs: 100_000 }, { maxEvents: 500 });
  assert.equal(tape.truncated, true);
  assert.ok(tape.events.length >= 500 && tape.events.length < 520);
});

Deno.test("replay names an unknown scenario and lists the known ones", () => {
  assert.throws(
    () => replayRecording({ ...base, scenario: "nope" }),
    /Unknown player scenario "nope" \(known: heartbeat/,
  );
});

Deno.test("property: a fork never changes the events before its fork point", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000 }),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom(
        { kind: "crash", node: "n2" } as const,
        { kind: "heal" } as const,
        { kind: "network", set: { lossProbability: 0.3 } } as const,
        { kind: "clock-jump", node: "n1", deltaMs: 500 } as const,
      ),
      (seed, cursor, fault) => {
        const player = new PlayerModel({ ...base, seed, untilMs: 500 });
        player.seek(cursor);
        const branch = player.fork([fault]);
        assert.ok(branch.commonPrefix(player) >= player.forkPoint());
        assert.equal(branch.tape.events[player.forkPoint()].kind, "fault");
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("a scenario with its own resolve takes structured parameters, like a search workload", () => {
  const scripted: PlayerScenario = {
    ...heartbeatScenario,
    name: "scripted",
    resolve(given) {
      const crashes = given.crashes ?? [];
      if (!Array.isArray(crashes)) {
        throw new RangeError("scripted: parameter crashes must be an array");
      }
      return { nodes: 3, intervalMs: 50, timeoutMs: 150, lossProbability: 0, crashes };
    },
    build(params, seed) {
      const sim = heartbeatScenario.build(params, seed);
      for (const atMs of params.crashes as unknown as number[]) {
        sim.schedule([{ atMs, kind: "crash", node: "n3" }]);
      }
      return sim;
    },
  };
  const scenarios = [scripted];
  const tape = record({ scenario: "scripted", seed: 1, params: { crashes: [200] }, faults: [] }, {
    scenarios,
  });
  assert.ok(tape.events.some((e) => e.kind === "crash" && e.node === "n3"));
  assert.throws(
    () =>
      record({ scenario: "scripted", seed: 1, params: { crashes: 5 }, faults: [] }, { scenarios }),
    /parameter crashes must be an array/,
  );
  // The faults a run applied replay as a schedule.
  const faults = faultsFromTrace(tape.events);
  assert.deepEqual(faults, [{ atMs: 200, kind: "crash", node: "n3" }]);
});

Deno.test("the raft scenario elects a leader, and a fork that crashes it elects another", () => {
  const player = new PlayerModel({
    scenario: "raft",
    seed: 2,
    params: { servers: 3, clients: 1, operations: 5 },
    faults: [],
    untilMs: 2_000,
  });
  const leaderAt = (events: readonly TraceEvent[]) =>
    events.filter((e) => e.kind === "state" && e.key === "role" && e.value === "leader")
      .map((e) => (e as { node: string }).node);
  const firstLeader = leaderAt(player.tape.events)[0];
  assert.ok(firstLeader, "a leader is elected");
  const elected = player.tape.events.findIndex((e) =>
    e.kind === "state" && e.key === "role" && e.value === "leader"
  );
  player.seek(elected + 20);
  const branch = player.fork([{ kind: "crash", node: firstLeader }]);
  const after = leaderAt(branch.tape.events.slice(player.forkPoint()));
  assert.ok(after.length > 0 && after.every((n) => n !== firstLeader), `new leader: ${after}`);
});

Deno.test("property: a permalink restores main, every fork and the branch on screen", () => {
  const main: Recording = { ...base, untilMs: 500 };
  // A reader's actions: pick a branch, move its cursor, fork it with a verb.
  const action = fc.record({
    branch: fc.nat(),
    cursor: fc.nat({ max: 400 }),
    verb: fc.constantFrom(
      { verb: "crash", node: "n2" },
      { verb: "isolate", node: "n1" },
      { verb: "heal" },
      { verb: "loss", value: 0.4 },
      { verb: "clock-jump", node: "n3", value: 250 },
    ),
  });
  fc.assert(
    fc.property(
      fc.array(action, { minLength: 1, maxLength: 4 }),
      fc.nat(),
      fc.nat({ max: 400 }),
      (actions, shown, cursor) => {
        const live = new PlayerBranches(main);
        for (const { branch, cursor, verb } of actions) {
          live.show(branch % live.all.length);
          live.model.seek(cursor);
          live.fork(verb);
        }
        live.show(shown % live.all.length);
        live.model.seek(cursor);
        const text = encodePlayerSession(live.session());
        const restored = PlayerBranches.fromSession(decodePlayerSession(text));
        assert.equal(restored.all.length, live.all.length);
        assert.equal(restored.shown, live.shown);
        assert.equal(restored.model.cursor, live.model.cursor);
        restored.all.forEach((b, i) => {
          assert.deepEqual(b.model.recording, live.all[i].model.recording);
          assert.equal(b.model.tape.events.length, live.all[i].model.tape.events.length);
        });
      },
    ),
    { seed: 20261202, numRuns: 60 },
  );
});

Deno.test("an old permalink's forks replay as main, and forking it adds a branch", () => {
  const player = new PlayerModel({ ...base, untilMs: 500 });
  player.seek(90);
  const forked = player.fork([{ kind: "crash", node: "n1" }]);
  const old = encodeRecording(forked.recording, forked.cursor);
  const restored = PlayerBranches.fromSession(decodePlayerSession(old));
  assert.deepEqual(restored.model.recording, forked.recording);
  assert.equal(restored.model.cursor, forked.cursor);
  restored.fork({ verb: "heal" });
  assert.equal(restored.all.length, 2);
  assert.equal(restored.session().branches[0].from, 0);
});

Deno.test("a restored link with an unknown verb names it", () => {
  assert.throws(
    () =>
      PlayerBranches.fromSession({
        main: base,
        branches: [{ from: 0, afterEvent: 10, change: { verb: "meteor" } }],
        shown: 1,
      }),
    /Unknown fault verb "meteor"/,
  );
});
