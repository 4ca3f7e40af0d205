/**
 * Kernel throughput: delivered messages per second, tracing off / hash / full, next to a bare
 * binary-heap event loop doing the same work (pop, "deliver", sample a latency, push a reply)
 * as the reference. Goal (issue 2): the kernel with tracing off reaches >= 1/3 of the bare loop.
 *
 *   deno bench -A tests/bench/kernel_bench.ts
 */
import { EventQueue, Random, Simulation, type TraceMode } from "../../src/sim/mod.ts";

const MESSAGES = 100_000;
const NODES = 5;

type Relay = { type: "Relay"; hops: number };

function kernel(trace: TraceMode): number {
  const sim = new Simulation<Relay>({
    seed: 1,
    trace,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 5 } },
    maxEvents: MESSAGES * 2,
  });
  const ids = Array.from({ length: NODES }, (_, i) => `n${i}`);
  for (const id of ids) {
    sim.addNode(id, (rt) => ({
      onStart: () => {
        // Each node keeps four messages in flight.
        for (let k = 0; k < 4; k++) rt.send(rt.random.pick(rt.peers()), { type: "Relay", hops: 0 });
      },
      onMessage: (_from, msg) => {
        if (sim.stats.delivered < MESSAGES) {
          rt.send(ids[(msg.hops + 1) % NODES === 0 ? 1 : (msg.hops + 1) % NODES], {
            type: "Relay",
            hops: msg.hops + 1,
          });
        }
      },
    }));
  }
  sim.run();
  return sim.stats.delivered;
}

function bareLoop(): number {
  type Ev = { timeMs: number; seq: number; to: number; hops: number };
  const q = new EventQueue<Ev>();
  const random = new Random(1);
  for (let n = 0; n < NODES; n++) {
    for (let k = 0; k < 4; k++) {
      q.push({ timeMs: 1 + random.next() * 4, seq: 0, to: (n + 1) % NODES, hops: 0 });
    }
  }
  let delivered = 0;
  let now = 0;
  while (q.size > 0) {
    const ev = q.pop()!;
    now = ev.timeMs;
    delivered++;
    if (delivered < MESSAGES) {
      q.push({
        timeMs: now + 1 + random.next() * 4,
        seq: 0,
        to: (ev.to + 1) % NODES,
        hops: ev.hops + 1,
      });
    }
  }
  return delivered;
}

Deno.bench(`bare binary-heap loop, ${MESSAGES} deliveries (reference)`, {
  group: "deliveries",
  baseline: true,
}, () => {
  bareLoop();
});
Deno.bench(`kernel, tracing off, ${MESSAGES} deliveries`, { group: "deliveries" }, () => {
  kernel("off");
});
Deno.bench(`kernel, trace hash only, ${MESSAGES} deliveries`, { group: "deliveries" }, () => {
  kernel("hash");
});
Deno.bench(`kernel, full trace, ${MESSAGES} deliveries`, { group: "deliveries" }, () => {
  kernel("full");
});
