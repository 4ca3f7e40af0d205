import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation, SimulationLimitError } from "./simulation.ts";
import type { NetworkOptions } from "./network.ts";
import type { Fault } from "./faults.ts";
import { renderTrace } from "./trace.ts";

type Msg = { type: "Ping"; seq: number } | { type: "Pong"; seq: number };

/** Every node pings every peer `count` times, one ping per `intervalMs`; pongs answer pings. */
function chatty(
  options: {
    seed: number;
    nodes?: number;
    count?: number;
    intervalMs?: number;
    network?: NetworkOptions;
  },
) {
  const sim = new Simulation<Msg>({ seed: options.seed, network: options.network });
  const received = new Map<string, { from: string; type: string; seq: number; t: number }[]>();
  const n = options.nodes ?? 3;
  const count = options.count ?? 20;
  for (let i = 1; i <= n; i++) {
    const id = `n${i}`;
    received.set(id, []);
    sim.addNode(id, (rt) => {
      let seq = 0;
      return {
        onStart: () => rt.setTimer(0, "tick"),
        onMessage: (from, msg) => {
          received.get(id)!.push({ from, type: msg.type, seq: msg.seq, t: sim.now });
          if (msg.type === "Ping") rt.send(from, { type: "Pong", seq: msg.seq });
        },
        onTimer: () => {
          for (const peer of rt.peers()) rt.send(peer, { type: "Ping", seq });
          seq++;
          if (seq < count) rt.setTimer(options.intervalMs ?? 2, "tick");
        },
      };
    });
  }
  return { sim, received };
}

const networkArb: fc.Arbitrary<NetworkOptions> = fc.record({
  lossProbability: fc.double({ min: 0, max: 0.5, noNaN: true }),
  duplicateProbability: fc.double({ min: 0, max: 0.5, noNaN: true }),
  fifo: fc.boolean(),
  latency: fc.oneof(
    fc.record({
      kind: fc.constant("constant" as const),
      ms: fc.double({ min: 0, max: 20, noNaN: true }),
    }),
    fc.integer({ min: 0, max: 10 }).chain((minMs) =>
      fc.record({
        kind: fc.constant("uniform" as const),
        minMs: fc.constant(minMs),
        maxMs: fc.integer({ min: minMs, max: minMs + 30 }),
      })
    ),
    fc.record({
      kind: fc.constant("exponential" as const),
      minMs: fc.constant(1),
      meanMs: fc.double({ min: 0.1, max: 20, noNaN: true }),
    }),
  ),
});

Deno.test("Simulation gives the same trace hash for the same seed and knobs", () => {
  fc.assert(
    fc.property(fc.integer(), networkArb, (seed, network) => {
      const a = chatty({ seed, network });
      const b = chatty({ seed, network });
      a.sim.run();
      b.sim.run();
      assert.equal(a.sim.trace.hash(), b.sim.trace.hash());
      assert.equal(a.sim.trace.toJsonLines(), b.sim.trace.toJsonLines());
    }),
    { numRuns: 50 },
  );
});

Deno.test("Simulation gives different traces for different seeds", () => {
  const hashes = new Set<string>();
  for (let seed = 0; seed < 30; seed++) {
    const { sim } = chatty({ seed, network: { lossProbability: 0.1 } });
    sim.run();
    hashes.add(sim.trace.hash());
  }
  assert.equal(hashes.size, 30);
});

Deno.test("Simulation loses and duplicates messages at the configured rates", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.double({ min: 0, max: 0.6, noNaN: true }),
      fc.double({ min: 0, max: 0.6, noNaN: true }),
      (seed, loss, dup) => {
        const { sim } = chatty({
          seed,
          nodes: 4,
          count: 100,
          network: { lossProbability: loss, duplicateProbability: dup },
        });
        sim.run();
        // Pings are 4 * 3 * 100 = 1200; pongs are sent per delivered ping, so count all sends.
        const n = sim.stats.sent;
        const lost = sim.stats.dropped.loss;
        const sd = Math.sqrt(n * loss * (1 - loss));
        assert.ok(Math.abs(lost - n * loss) <= 5 * sd + 1, `lost ${lost} of ${n} at p=${loss}`);
        const survived = n - lost;
        const sdDup = Math.sqrt(survived * dup * (1 - dup));
        assert.ok(
          Math.abs(sim.stats.duplicated - survived * dup) <= 5 * sdDup + 1,
          `duplicated ${sim.stats.duplicated} of ${survived} at p=${dup}`,
        );
        assert.equal(sim.stats.delivered, survived + sim.stats.duplicated);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("Simulation never delivers a message across a partition", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 30 }),
      // At least 5 ms (a send interval plus the worst latency), so the partition always stops
      // something.
      fc.integer({ min: 5, max: 40 }),
      (seed, at, len) => {
        const { sim } = chatty({ seed, nodes: 4, count: 40 });
        const groups = [["n1", "n2"], ["n3", "n4"]];
        sim.schedule([
          { atMs: at, kind: "partition", groups },
          { atMs: at + len, kind: "heal" },
        ]);
        sim.run();
        const side = (n: string) => (n === "n1" || n === "n2" ? 0 : 1);
        for (const e of sim.trace.events) {
          if (e.kind === "deliver" && e.t >= at && e.t < at + len) {
            assert.equal(side(e.from), side(e.to), `delivered across: ${JSON.stringify(e)}`);
          }
        }
        assert.ok(sim.stats.dropped.partition > 0);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("Simulation keeps per-link send order only when fifo is on", () => {
  const inOrder = (fifo: boolean, seed: number) => {
    const { sim, received } = chatty({
      seed,
      nodes: 2,
      count: 200,
      intervalMs: 0.5,
      network: { fifo, latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
    });
    sim.run();
    const pings = received.get("n2")!.filter((r) => r.from === "n1" && r.type === "Ping");
    return pings.every((r, i) => i === 0 || r.seq >= pings[i - 1].seq);
  };
  fc.assert(fc.property(fc.integer(), (seed) => inOrder(true, seed)), { numRuns: 30 });
  assert.equal(inOrder(false, 1), false, "without fifo, 200 messages with 1–30 ms latency reorder");
});

Deno.test("Simulation crash loses volatile state and keeps durable storage", () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), (seed, crashAt) => {
      const sim = new Simulation<Msg>({ seed });
      const volatileAtStart: number[] = [];
      sim.addNode("n1", (rt) => {
        let counter = 0; // volatile
        volatileAtStart.push(counter);
        return {
          onStart: () => rt.setTimer(1, "tick"),
          onMessage: () => {},
          onTimer: () => {
            counter++;
            rt.storage.set("ticks", (rt.storage.get<number>("ticks") ?? 0) + 1);
            rt.setTimer(1, "tick");
          },
        };
      });
      sim.schedule([
        { atMs: crashAt + 0.5, kind: "crash", node: "n1" },
        { atMs: crashAt + 10.5, kind: "restart", node: "n1" },
      ]);
      sim.run({ untilMs: crashAt + 0.5 });
      const durableBefore = sim.storageOf("n1").get<number>("ticks");
      assert.equal(durableBefore, crashAt);
      sim.run({ untilMs: crashAt + 10 });
      assert.equal(sim.isUp("n1"), false);
      assert.equal(sim.storageOf("n1").get<number>("ticks"), crashAt, "no ticks while down");
      sim.run({ untilMs: crashAt + 20 });
      assert.deepEqual(volatileAtStart, [0, 0]);
      // Durable state continued from where it was: 9 more ticks after the restart.
      assert.equal(sim.storageOf("n1").get<number>("ticks"), crashAt + 9);
    }),
    { numRuns: 30 },
  );
});

Deno.test("Simulation drops messages to a crashed node", () => {
  const { sim } = chatty({ seed: 3, nodes: 2, count: 50 });
  sim.schedule([{ atMs: 10, kind: "crash", node: "n2" }]);
  sim.run();
  assert.ok(sim.stats.dropped.crashed > 0);
  for (const e of sim.trace.events) {
    if (e.kind === "deliver") assert.ok(!(e.to === "n2" && e.t > 10));
  }
});

Deno.test("Node clocks drift at the configured rate and timers follow the local clock", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -200_000, max: 200_000 }),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      (driftPpm, offsetMs) => {
        const sim = new Simulation<Msg>({ seed: 1 });
        const fired: { trueMs: number; localMs: number }[] = [];
        sim.addNode("n1", (rt) => ({
          onStart: () => rt.setTimer(1000, "t"),
          onMessage: () => {},
          onTimer: () => fired.push({ trueMs: sim.now, localMs: rt.monotonic() }),
        }), { clock: { driftPpm, offsetMs } });
        sim.run();
        const rate = 1 + driftPpm / 1e6;
        assert.equal(fired.length, 1);
        assert.ok(
          Math.abs(fired[0].localMs - 1000) < 1e-6,
          `timer fired at local ${fired[0].localMs}`,
        );
        assert.ok(Math.abs(fired[0].trueMs - 1000 / rate) < 1e-6);
        const clock = sim.clockOf("n1");
        assert.ok(Math.abs(clock.offsetMs(5000) - (offsetMs + 5000 * (rate - 1))) < 1e-6);
      },
    ),
  );
});

Deno.test("A clock jump moves the wall clock but not the monotonic clock", () => {
  const sim = new Simulation<Msg>({ seed: 1 });
  const readings: [number, number][] = [];
  sim.addNode("n1", (rt) => ({
    onStart: () => rt.setTimer(10, "read"),
    onMessage: () => {},
    onTimer: () => {
      readings.push([rt.now(), rt.monotonic()]);
      if (readings.length < 3) rt.setTimer(10, "read");
    },
  }));
  sim.schedule([{ atMs: 15, kind: "clock-jump", node: "n1", deltaMs: -100 }]);
  sim.run();
  assert.deepEqual(readings, [[10, 10], [-80, 20], [-70, 30]]);
});

Deno.test("Bandwidth makes a burst queue up, and a full queue drops", () => {
  const sim = new Simulation<{ type: "Blob"; sizeBytes: number }>({
    seed: 1,
    network: {
      latency: { kind: "constant", ms: 1 },
      bandwidthBytesPerMs: 100,
      queueLimitBytes: 1000,
    },
  });
  const arrivals: number[] = [];
  sim.addNode("a", (rt) => ({
    onStart: () => {
      for (let i = 0; i < 20; i++) rt.send("b", { type: "Blob", sizeBytes: 200 });
    },
    onMessage: () => {},
  }));
  sim.addNode("b", () => ({ onMessage: () => arrivals.push(sim.now) }));
  sim.run();
  // 1000 bytes of queue, counting the message on the wire: five 200-byte messages fit.
  assert.deepEqual(arrivals, [3, 5, 7, 9, 11]);
  assert.equal(sim.stats.dropped["queue-full"], 15);
});

Deno.test("Tampered and forged messages are processed unless receivers authenticate", () => {
  const run = (authenticate: boolean) => {
    const sim = new Simulation<{ type: "Pay"; amount: number }>({
      seed: 5,
      network: { tamperProbability: 0.3, authenticate },
    });
    let total = 0;
    sim.addNode("a", (rt) => ({
      onStart: () => {
        for (let i = 0; i < 100; i++) rt.send("b", { type: "Pay", amount: 1 });
      },
      onMessage: () => {},
    }));
    sim.addNode("b", () => ({ onMessage: (_f, m) => (total += m.amount) }));
    sim.schedule([{
      atMs: 1,
      kind: "forge",
      from: "a",
      to: "b",
      msg: { type: "Pay", amount: 1000 } as never,
    }]);
    sim.run();
    return { total, stats: sim.stats };
  };
  const open = run(false);
  assert.ok(open.total > 1100, `tampering and forgery inflate the total: ${open.total}`);
  const authed = run(true);
  assert.equal(authed.total, 100 - authed.stats.tampered);
  assert.equal(authed.stats.dropped["auth-failed"], authed.stats.tampered + 1);
});

Deno.test("A slow node handles events one at a time", () => {
  const sim = new Simulation<Msg>({ seed: 1, network: { latency: { kind: "constant", ms: 1 } } });
  const handled: number[] = [];
  sim.addNode("a", (rt) => ({
    onStart: () => {
      for (let i = 0; i < 5; i++) rt.send("b", { type: "Ping", seq: i });
    },
    onMessage: () => {},
  }));
  sim.addNode("b", () => ({ onMessage: () => handled.push(sim.now) }), { processingMs: 10 });
  sim.run();
  assert.deepEqual(handled, [1, 11, 21, 31, 41]);
});

Deno.test("Joins and leaves change membership", () => {
  const sim = new Simulation<Msg>({ seed: 1 });
  const seen: string[][] = [];
  sim.addNode("a", (rt) => ({
    onStart: () => rt.setTimer(10, "look"),
    onMessage: () => {},
    onTimer: () => {
      seen.push(rt.peers());
      if (seen.length < 3) rt.setTimer(10, "look");
    },
  }));
  sim.addNode("b", () => ({ onMessage: () => {} }));
  sim.addNode("c", () => ({ onMessage: () => {} }), { dormant: true });
  sim.schedule([{ atMs: 15, kind: "join", node: "c" }, { atMs: 25, kind: "leave", node: "b" }]);
  sim.run();
  assert.deepEqual(seen, [["b"], ["b", "c"], ["c"]]);
});

Deno.test("Simulation limits stop a runaway run with a clear error", () => {
  const sim = new Simulation<Msg>({ seed: 1, maxEvents: 1000 });
  sim.addNode("a", (rt) => ({
    onStart: () => rt.setTimer(1, "forever"),
    onMessage: () => {},
    onTimer: () => rt.setTimer(1, "forever"),
  }));
  assert.throws(
    () => sim.run(),
    (e) => e instanceof SimulationLimitError && /maxEvents \(1000\)/.test(e.message),
  );
  const timed = new Simulation<Msg>({ seed: 1, maxTimeMs: 50 });
  timed.addNode("a", (rt) => ({
    onStart: () => rt.setTimer(1, "forever"),
    onMessage: () => {},
    onTimer: () => rt.setTimer(1, "forever"),
  }));
  assert.throws(() => timed.run(), /maxTimeMs \(50/);
});

Deno.test("Bad knobs and faults are rejected with a message naming them", () => {
  assert.throws(
    () => new Simulation({ seed: 1, network: { lossProbability: 2 } }),
    /lossProbability must be a probability in \[0, 1\], got 2/,
  );
  assert.throws(
    () =>
      new Simulation({ seed: 1, network: { latency: { kind: "uniform", minMs: 5, maxMs: 1 } } }),
    /maxMs \(1\) must be >= minMs \(5\)/,
  );
  assert.throws(() => new Simulation({ seed: 1, network: { links: { bad: {} } } }), /n1->n2/);
  const sim = new Simulation({ seed: 1 });
  sim.addNode("a", () => ({ onMessage: () => {} }));
  assert.throws(() => sim.addNode("a", () => ({ onMessage: () => {} })), /already exists/);
  assert.throws(
    () => sim.schedule([{ atMs: 1, kind: "crash", node: "zz" } as Fault]),
    /unknown node "zz"/,
  );
  assert.throws(() => sim.schedule([{ atMs: -1, kind: "heal" }]), /atMs must be a number >= 0/);
  assert.throws(
    () => sim.addNode("b", () => ({ onMessage: () => {} }), { clock: { driftPpm: 1e9 } }),
    /driftPpm/,
  );
});

Deno.test("The trace renders one line per event", () => {
  const { sim } = chatty({
    seed: 1,
    nodes: 2,
    count: 1,
    network: { latency: { kind: "constant", ms: 2.5 } },
  });
  sim.run();
  assert.equal(
    renderTrace(sim.trace.events, { kinds: ["send", "deliver"] }),
    [
      "0.000ms n1->n2 Ping seq=0",
      "0.000ms n2->n1 Ping seq=0",
      "2.500ms n2<-n1 Ping seq=0",
      "2.500ms n2->n1 Pong seq=0",
      "2.500ms n1<-n2 Ping seq=0",
      "2.500ms n1->n2 Pong seq=0",
      "5.000ms n1<-n2 Pong seq=0",
      "5.000ms n2<-n1 Pong seq=0",
    ].join("\n"),
  );
});

Deno.test("Simulation.apply takes any fault without its time and applies it now", () => {
  const sim = new Simulation<Msg>({ seed: 1 });
  sim.addNode("a", () => ({ onMessage: () => {} }));
  sim.addNode("b", () => ({ onMessage: () => {} }));
  sim.run({ untilMs: 5 });
  sim.apply({ kind: "crash", node: "a" });
  assert.equal(sim.isUp("a"), false);
  sim.apply({ kind: "partition", groups: [["a"], ["b"]] });
  sim.apply({ kind: "restart", node: "a" });
  assert.equal(sim.isUp("a"), true);
});

Deno.test("A slow node counts a message once though it waited twice on the agenda", () => {
  const sim = new Simulation<Msg>({ seed: 1, network: { latency: { kind: "constant", ms: 1 } } });
  const handledAt: number[] = [];
  sim.addNode("n1", (rt) => ({
    onStart: () => [1, 2, 3].forEach((seq) => rt.send("n2", { type: "Ping", seq })),
    onMessage: () => {},
  }));
  sim.addNode("n2", () => ({ onMessage: () => handledAt.push(sim.now) }), { processingMs: 10 });
  const processed = sim.run();
  assert.deepEqual(handledAt, [1, 11, 21]);
  assert.equal(sim.stats.events, 3, "three messages handled");
  assert.equal(processed, 6, "three handled plus three put back while n2 was busy");
});
