import assert from "node:assert/strict";
import { describeFaultVerb, FAULT_VERBS, faultVerb } from "./fault_verbs.ts";
import { PlayerModel } from "./player_model.ts";

Deno.test("faultVerb isolates a node from its peers only, in both directions", () => {
  const faults = faultVerb("isolate", { node: "n2", peers: ["n1", "n2", "n3"] });
  assert.deepEqual(faults, [
    { kind: "cut", from: "n2", to: "n1" },
    { kind: "cut", from: "n1", to: "n2" },
    { kind: "cut", from: "n2", to: "n3" },
    { kind: "cut", from: "n3", to: "n2" },
  ]);
});

Deno.test("faultVerb turns every verb with its default value into faults", () => {
  for (const spec of FAULT_VERBS) {
    const faults = faultVerb(spec.verb, { node: "n1", peers: ["n1", "n2"] });
    assert.ok(faults.length > 0, spec.verb);
  }
  assert.deepEqual(faultVerb("clock-jump", { node: "n1" }), [
    { kind: "clock-jump", node: "n1", deltaMs: 500 },
  ]);
  assert.deepEqual(faultVerb("latency", { value: 80 }), [
    { kind: "network", set: { latency: { kind: "uniform", minMs: 1, maxMs: 80 } } },
  ]);
});

Deno.test("faultVerb rejects unknown verbs, missing nodes and out-of-range values", () => {
  assert.throws(() => faultVerb("explode" as never), /Unknown fault verb "explode"/);
  assert.throws(() => faultVerb("crash"), /needs option node/);
  assert.throws(() => faultVerb("loss", { value: 2 }), /value must be in \[0, 1\]/);
  assert.throws(() => faultVerb("slow", { node: "n1", value: NaN }), /must be a number/);
});

Deno.test("describeFaultVerb names the verb, its node and its value", () => {
  assert.equal(describeFaultVerb("crash", { node: "n3" }), "crash n3");
  assert.equal(describeFaultVerb("loss", { value: 0.5 }), "loss 0.5");
  assert.equal(describeFaultVerb("slow", { node: "n1" }), "slow n1 20");
});

Deno.test("an isolate fork in the player drops the node's messages to and from its peers", () => {
  const player = new PlayerModel({
    scenario: "heartbeat",
    seed: 11,
    params: { nodes: 3 },
    faults: [],
  });
  player.seek(60);
  const nodes = player.snapshot(0).nodes.map((n) => n.id);
  const branch = player.fork(faultVerb("isolate", { node: "n1", peers: nodes }));
  const after = branch.tape.events.slice(branch.commonPrefix(player));
  const sends = new Set(
    after.filter((e) => e.kind === "send" && e.t > after[0].t && (e.from === "n1" || e.to === "n1"))
      .map((e) => (e as { id: number }).id),
  );
  assert.ok(sends.size > 0, "n1 keeps talking");
  for (const e of after) {
    if (e.kind === "deliver") assert.ok(!sends.has(e.id), `delivered across the cut: ${e.id}`);
  }
});
