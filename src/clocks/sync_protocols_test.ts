import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../sim/mod.ts";
import {
  berkeleyMaster,
  berkeleySlave,
  cristianClient,
  naiveTimeClient,
  ntpClient,
  promisedBoundMs,
  type SyncedProcess,
  type SyncMessage,
  timeServer,
} from "./sync_protocols.ts";

interface Setup {
  seed: number;
  clocks: { offsetMs: number; driftPpm: number }[];
  forward: [number, number];
  back: [number, number];
  intervalMs: number;
}

const latencyRange = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
  .map(([a, w]) => [a, a + w] as [number, number]);

const setup: fc.Arbitrary<Setup> = fc.record({
  seed: fc.integer({ min: 1, max: 1e6 }),
  clocks: fc.array(
    fc.record({
      offsetMs: fc.integer({ min: -2000, max: 2000 }),
      driftPpm: fc.integer({ min: -500, max: 500 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  forward: latencyRange,
  back: latencyRange,
  intervalMs: fc.integer({ min: 500, max: 5000 }),
});

/** Runs a client/server sync and returns the worst |offset| once every client has synced. */
function worstOffsetAfterSync(s: Setup, algorithm: "cristian" | "ntp" | "naive"): number {
  const links: Record<string, { latency: { kind: "uniform"; minMs: number; maxMs: number } }> = {};
  const ids = s.clocks.map((_, i) => `n${i + 1}`);
  for (const id of ids) {
    links[`${id}->ts`] = { latency: { kind: "uniform", minMs: s.forward[0], maxMs: s.forward[1] } };
    links[`ts->${id}`] = { latency: { kind: "uniform", minMs: s.back[0], maxMs: s.back[1] } };
  }
  const sim = new Simulation<SyncMessage, SyncedProcess>({
    seed: s.seed,
    network: { links },
    trace: "off",
  });
  sim.addNode("ts", timeServer());
  const synced = new Set<string>();
  ids.forEach((id, i) => {
    const onAdjust = () => synced.add(id);
    const factory = algorithm === "cristian"
      ? cristianClient({ server: "ts", intervalMs: s.intervalMs, onAdjust })
      : algorithm === "ntp"
      ? ntpClient({ server: "ts", intervalMs: s.intervalMs, onAdjust })
      : naiveTimeClient({ server: "ts", intervalMs: s.intervalMs, onAdjust });
    sim.addNode(id, factory, { clock: s.clocks[i] });
  });
  let worst = 0;
  const endMs = 10 * s.intervalMs;
  for (let t = 0; t <= endMs; t += s.intervalMs / 10) {
    sim.at(t, () => {
      if (synced.size < ids.length) return;
      for (const id of ids) {
        const process = sim.processOf(id)!;
        const offset = sim.clockOf(id).nowMs(sim.now) + process.correctionMs - sim.now;
        worst = Math.max(worst, Math.abs(offset));
      }
    });
  }
  sim.run({ untilMs: endMs });
  assert.equal(synced.size, ids.length, "every client must have synced at least once");
  return worst;
}

function bound(s: Setup, samplesKept: number): number {
  const maxDriftPpm = Math.max(...s.clocks.map((c) => Math.abs(c.driftPpm)));
  const delays = {
    forwardMinMs: s.forward[0],
    forwardMaxMs: s.forward[1],
    returnMinMs: s.back[0],
    returnMaxMs: s.back[1],
  };
  return promisedBoundMs(delays, { intervalMs: s.intervalMs, maxDriftPpm, samplesKept }) + 1e-6;
}

Deno.test("Cristian keeps every client within its promised bound, symmetric or not", () => {
  fc.assert(
    fc.property(setup, (s) => {
      const worst = worstOffsetAfterSync(s, "cristian");
      assert.ok(worst <= bound(s, 1), `worst |offset| ${worst} ms > bound ${bound(s, 1)} ms`);
    }),
    { numRuns: 60 },
  );
});

Deno.test("NTP keeps every client within its promised bound, symmetric or not", () => {
  fc.assert(
    fc.property(setup, (s) => {
      const worst = worstOffsetAfterSync(s, "ntp");
      assert.ok(worst <= bound(s, 8), `worst |offset| ${worst} ms > bound ${bound(s, 8)} ms`);
    }),
    { numRuns: 60 },
  );
});

Deno.test("The bound property catches a client that assumes zero latency", () => {
  const result = fc.check(
    fc.property(setup, (s) => worstOffsetAfterSync(s, "naive") <= bound(s, 1)),
    { numRuns: 100 },
  );
  assert.equal(result.failed, true, "a zero-latency client should break Cristian's bound");
});

Deno.test("On a symmetric path with constant delay NTP converges to the exact offset", () => {
  const sim = new Simulation<SyncMessage, SyncedProcess>({
    seed: 3,
    network: { latency: { kind: "constant", ms: 20 } },
    trace: "off",
  });
  sim.addNode("ts", timeServer());
  sim.addNode("n1", ntpClient({ server: "ts", intervalMs: 1000 }), { clock: { offsetMs: 700 } });
  sim.run({ untilMs: 5000 });
  const process = sim.processOf("n1")!;
  assert.ok(Math.abs(sim.clockOf("n1").nowMs(sim.now) + process.correctionMs - sim.now) < 1e-6);
});

Deno.test("An asymmetric path biases NTP by half the asymmetry, as RFC 5905 warns", () => {
  const sim = new Simulation<SyncMessage, SyncedProcess>({
    seed: 3,
    network: {
      links: {
        "n1->ts": { latency: { kind: "constant", ms: 50 } },
        "ts->n1": { latency: { kind: "constant", ms: 10 } },
      },
    },
    trace: "off",
  });
  sim.addNode("ts", timeServer());
  sim.addNode("n1", ntpClient({ server: "ts", intervalMs: 1000 }), { clock: { offsetMs: 700 } });
  sim.run({ untilMs: 5000 });
  const process = sim.processOf("n1")!;
  const offset = sim.clockOf("n1").nowMs(sim.now) + process.correctionMs - sim.now;
  assert.ok(Math.abs(offset - 20) < 1e-6, `offset ${offset}, expected (50 − 10)/2 = 20`);
});

Deno.test("Berkeley keeps clocks within (max − min) latency of each other plus drift", () => {
  fc.assert(
    fc.property(setup, fc.integer({ min: 2, max: 5 }), (s, nodes) => {
      const [minMs, maxMs] = s.forward;
      const sim = new Simulation<SyncMessage, SyncedProcess>({
        seed: s.seed,
        network: { latency: { kind: "uniform", minMs, maxMs } },
        trace: "off",
      });
      const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
      const clocks = ids.map((_, i) => s.clocks[i % s.clocks.length]);
      let rounds = 0;
      ids.forEach((id, i) => {
        const factory = i === 0
          ? berkeleyMaster({ intervalMs: s.intervalMs, toleranceMs: 1e9, onAdjust: () => rounds++ })
          : berkeleySlave();
        sim.addNode(id, factory, { clock: clocks[i] });
      });
      const rho = Math.max(...clocks.map((c) => Math.abs(c.driftPpm))) / 1e6;
      const limit = (maxMs - minMs) +
        2 * rho * (s.intervalMs / (1 - rho) + 1000 + 4 * maxMs) + 1e-6;
      let worst = 0;
      const endMs = 10 * s.intervalMs;
      for (let t = 0; t <= endMs; t += s.intervalMs / 10) {
        sim.at(t, () => {
          // Wait until the first round's adjustments have landed everywhere.
          if (rounds < 1 || sim.now < (rounds === 1 ? 2000 + s.intervalMs / 2 : 0)) return;
          const readings = ids.map((id) =>
            sim.clockOf(id).nowMs(sim.now) + sim.processOf(id)!.correctionMs
          );
          worst = Math.max(worst, Math.max(...readings) - Math.min(...readings));
        });
      }
      sim.run({ untilMs: endMs });
      assert.ok(rounds >= 5, `only ${rounds} Berkeley rounds ran`);
      assert.ok(worst <= limit, `worst skew ${worst} ms > limit ${limit} ms`);
    }),
    { numRuns: 40 },
  );
});
