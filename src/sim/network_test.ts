import assert from "node:assert/strict";
import { InvariantError } from "./assert.ts";
import { Network } from "./network.ts";
import type { Delivery, NetworkKernel, NetworkOptions } from "./network.ts";
import { Random } from "./random.ts";
import { Trace } from "./trace.ts";

/** A network over a fake kernel whose agenda is a plain array (the documented seam). */
function harness(options: NetworkOptions = {}) {
  const agenda: Delivery[] = [];
  let now = 0;
  const kernel: NetworkKernel = {
    trace: new Trace("full"),
    stats: {
      sent: 0,
      delivered: 0,
      duplicated: 0,
      tampered: 0,
      dropped: { loss: 0, partition: 0, crashed: 0, "queue-full": 0, "auth-failed": 0, left: 0 },
      bytes: 0,
      cost: 0,
    },
    now: () => now,
    schedule: (delivery) => void agenda.push(delivery),
  };
  const network = new Network(kernel, new Random(1), options);
  return { network, kernel, agenda, setNow: (t: number) => void (now = t) };
}

const up = { member: true, up: true };

Deno.test("Network puts a sent message in flight and hands it over once", () => {
  const { network, kernel, agenda } = harness({ latency: { kind: "constant", ms: 2 } });
  network.send("n1", "n2", { type: "Ping" }, 0);
  assert.equal(network.inFlight, 1);
  assert.equal(agenda[0].timeMs, 2);
  assert.equal(network.arrive(agenda[0], up), true);
  network.handOver(agenda[0]);
  assert.equal(network.inFlight, 0);
  assert.equal(kernel.stats.delivered, 1);
});

Deno.test("Network enforces a partition both at send time and at arrival", () => {
  const { network, kernel, agenda } = harness();
  network.partition([["n1"], ["n2"]]);
  network.send("n1", "n2", { type: "Ping" }, 0);
  assert.equal(agenda.length, 0);
  network.heal();
  network.send("n1", "n2", { type: "Ping" }, 0);
  network.cut("n1", "n2"); // the cable is cut while the message is on the wire
  assert.equal(network.arrive(agenda[0], up), false);
  assert.equal(kernel.stats.dropped.partition, 2);
  assert.equal(network.inFlight, 0);
});

Deno.test("Network drops at arrival for a crashed, departed or unauthenticated receiver", () => {
  const { network, kernel, agenda } = harness({ authenticate: true });
  network.send("n1", "n2", { type: "Ping" }, 0);
  network.send("n1", "n2", { type: "Ping" }, 0);
  network.forge("n3", "n2", { type: "Ping" });
  assert.equal(network.arrive(agenda[0], { member: true, up: false }), false);
  assert.equal(network.arrive(agenda[1], { member: false, up: false }), false);
  assert.equal(network.arrive(agenda[2], up), false);
  assert.deepEqual(
    [kernel.stats.dropped.crashed, kernel.stats.dropped.left, kernel.stats.dropped["auth-failed"]],
    [1, 1, 1],
  );
});

Deno.test("Network refuses to deliver a message that was never sent", () => {
  const { network } = harness();
  const forged: Delivery = {
    timeMs: 1,
    seq: 0,
    kind: "deliver",
    id: 1,
    from: "n1",
    to: "n2",
    msg: { type: "Ping" },
    tampered: false,
  };
  assert.throws(() => network.arrive(forged, up), InvariantError);
  assert.throws(() => network.arrive(forged, up), /a delivered message was sent/);
  assert.throws(() => network.handOver(forged), /a delivered message is in flight/);
});

Deno.test("Network refuses to hand over the same message twice", () => {
  const { network, agenda } = harness();
  network.send("n1", "n2", { type: "Ping" }, 0);
  network.handOver(agenda[0]);
  assert.throws(() => network.arrive(agenda[0], up), InvariantError);
});

Deno.test("Network validates its knobs when built and when reconfigured, naming the knob", () => {
  assert.throws(() => harness({ lossProbability: 2 }), /lossProbability/);
  assert.throws(() => harness({ links: { "n1-n2": {} } }), /links key/);
  const { network } = harness();
  assert.throws(() => network.reconfigure({ duplicateProbability: -1 }), /duplicateProbability/);
});
