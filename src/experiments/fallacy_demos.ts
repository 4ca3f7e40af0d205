/**
 * Eight small simulations, one per fallacy of distributed computing. Each runs a workload
 * whose author made the fallacy's assumption, with the knob that breaks it, and measures the
 * damage. They are deliberately naive: the patterns on the other pages are the fixes.
 *
 * @module
 */

import type { FallacyId } from "../sim/fallacies.ts";
import { Simulation } from "../sim/simulation.ts";
import type { Message, NodeId, Runtime } from "../sim/types.ts";
import { messageDiagram } from "../viz/message_diagram.ts";
import { barChart, heatmap, lineChart } from "../viz/charts.ts";
import { quantile, roundTo } from "./stats.ts";
import { booleanParam, integerParam, numberParam } from "./param_specs.ts";
import type { ExperimentResult, ParamsOf } from "./types.ts";

type DemoMessage =
  | { type: "Increment"; seq: number }
  | { type: "Ack"; seq: number }
  | { type: "Write"; value: number }
  | { type: "Upload"; seq: number; sizeBytes: number }
  | { type: "Transfer"; amount: number }
  | { type: "Heartbeat"; from: NodeId }
  | { type: "Batch"; updates: number; sizeBytes: number }
  | { type: "Request"; seq: number; sentAt: number }
  | { type: "Response"; seq: number; sentAt: number; serverTime: number };

/**
 * The knobs of the eight demos, one group per fallacy (each description starts with the
 * fallacy's number); `requests` sizes every workload.
 */
export const FALLACY_KNOBS = {
  requests: integerParam({
    default: 40,
    min: 1,
    max: 2000,
    description: "Requests the client sends",
  }),
  lossProbability: numberParam({
    default: 0.1,
    min: 0,
    max: 1,
    description: "1 reliable: chance a message is lost",
  }),
  duplicateProbability: numberParam({
    default: 0.1,
    min: 0,
    max: 1,
    description: "1 reliable: chance a message is delivered twice",
  }),
  latencyMinMs: numberParam({
    default: 1,
    min: 0,
    max: 5000,
    description: "2 latency: fastest one-way latency",
  }),
  latencyMaxMs: numberParam({
    default: 40,
    min: 0,
    max: 5000,
    description: "2 latency: slowest one-way latency",
  }),
  fifo: booleanParam({
    default: false,
    description: "2 latency: links keep send order (like one TCP connection)",
  }),
  bandwidthBytesPerMs: numberParam({
    default: 500,
    min: 1,
    max: 1e9,
    description: "3 bandwidth: link capacity in bytes per ms",
  }),
  messageBytes: integerParam({
    default: 2000,
    min: 1,
    max: 10_000_000,
    description: "3 bandwidth: size of each upload",
  }),
  queueLimitBytes: numberParam({
    default: 30_000,
    min: 0,
    max: 1e12,
    description: "3 bandwidth: bytes the link may queue before dropping",
  }),
  tamperProbability: numberParam({
    default: 0.1,
    min: 0,
    max: 1,
    description: "4 secure: chance a message is altered in flight",
  }),
  authenticate: booleanParam({
    default: false,
    description: "4 secure: receivers authenticate messages (mTLS) and drop altered ones",
  }),
  partitionMs: numberParam({
    default: 800,
    min: 0,
    max: 60_000,
    description: "5 topology: how long the partition lasts",
  }),
  misconfiguredTimeoutMs: numberParam({
    default: 90,
    min: 1,
    max: 10_000,
    description:
      "6 administrator: n4's failure-detector timeout (others: 300 ms; heartbeat 100 ms)",
  }),
  batchSize: integerParam({
    default: 1,
    min: 1,
    max: 1000,
    description: "7 transport cost: updates per message",
  }),
  costPerMessage: numberParam({
    default: 1,
    min: 0,
    max: 1e6,
    description: "7 transport cost: cost units per message",
  }),
  costPerByte: numberParam({
    default: 0.01,
    min: 0,
    max: 1e6,
    description: "7 transport cost: cost units per byte",
  }),
  slowProcessingMs: numberParam({
    default: 15,
    min: 0,
    max: 10_000,
    description: "8 homogeneous: ms the slow server spends per request (others: 1)",
  }),
  driftPpm: numberParam({
    default: 20_000,
    min: -500_000,
    max: 500_000,
    description: "8 homogeneous: clock drift of the slow server in ppm",
  }),
};

/** Validated values of {@linkcode FALLACY_KNOBS}, as every demo receives them. */
export type FallacyKnobs = ParamsOf<typeof FALLACY_KNOBS>;

type Demo = (params: FallacyKnobs, seed: number) => ExperimentResult;

const round = (value: number, digits = 2) => roundTo(value, digits);

/** A client that sends `count` messages, one every `intervalMs`, built by `make(i)`. */
function sender(
  rt: Runtime<DemoMessage>,
  to: NodeId,
  count: number,
  intervalMs: number,
  make: (i: number) => DemoMessage,
) {
  let i = 0;
  return {
    onStart: () => rt.setTimer(0, "send"),
    onMessage: () => {},
    onTimer: () => {
      rt.send(to, make(i));
      i++;
      if (i < count) rt.setTimer(intervalMs, "send");
    },
  };
}

/** Fallacy 1: increments without idempotency or retries. */
const reliable: Demo = (params, seed) => {
  const requests = params.requests;
  const sim = new Simulation<DemoMessage>({
    seed,
    network: {
      lossProbability: params.lossProbability,
      duplicateProbability: params.duplicateProbability,
      latency: { kind: "uniform", minMs: 2, maxMs: 12 },
    },
  });
  let applied = 0;
  let acked = 0;
  sim.addNode("client", (rt) => ({
    ...sender(rt, "server", requests, 10, (seq) => ({ type: "Increment", seq })),
    onMessage: () => acked++,
  }));
  sim.addNode("server", (rt) => ({
    onMessage: (from, msg) => {
      if (msg.type !== "Increment") return;
      applied++; // The naive server trusts that each message arrives exactly once.
      rt.send(from, { type: "Ack", seq: msg.seq });
    },
  }));
  sim.run({ untilMs: requests * 10 + 100 });
  const s = sim.stats;
  return {
    summary: {
      intended: requests,
      applied,
      acked,
      lost: s.dropped.loss,
      duplicated: s.duplicated,
      error: applied - requests,
    },
    data: { stats: s },
    charts: [
      {
        title: "Messages: drops end in a cross, duplicates arrive twice",
        spec: messageDiagram(sim.trace.events, {
          title: "client and server, first messages",
          toMs: 130,
          height: 360,
          width: 420,
        }),
      },
      {
        title: "What the client meant vs what happened",
        spec: barChart([
          { label: "increments sent", value: requests },
          { label: "applied by server", value: applied },
          { label: "acks received", value: acked },
        ], { title: "Exactly-once? Not without help", yTitle: "count" }),
      },
    ],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 2: last-writer-wins by arrival order, with variable latency. */
const latency: Demo = (params, seed) => {
  const requests = params.requests;
  const minMs = params.latencyMinMs;
  const maxMs = Math.max(minMs, params.latencyMaxMs);
  const sim = new Simulation<DemoMessage>({
    seed,
    network: { latency: { kind: "uniform", minMs, maxMs }, fifo: params.fifo },
  });
  let value = -1;
  const arrivals: { seq: number; sentMs: number; arrivedMs: number }[] = [];
  sim.addNode(
    "client",
    (rt) => sender(rt, "server", requests, 5, (i) => ({ type: "Write", value: i })),
  );
  sim.addNode("server", () => ({
    onMessage: (_from, msg) => {
      if (msg.type !== "Write") return;
      value = msg.value; // Whatever arrives last wins: the writer's order is lost.
      arrivals.push({ seq: msg.value, sentMs: msg.value * 5, arrivedMs: sim.now });
    },
  }));
  sim.run({ untilMs: requests * 5 + maxMs + 100 });
  let reordered = 0;
  let highest = -1;
  for (const a of arrivals) {
    if (a.seq < highest) reordered++;
    highest = Math.max(highest, a.seq);
  }
  const latencies = arrivals.map((a) => a.arrivedMs - a.sentMs).sort((a, b) => a - b);
  return {
    summary: {
      writes: requests,
      reordered,
      finalValue: value,
      lastWritten: requests - 1,
      lastWriteLost: value !== requests - 1,
      latencyP50Ms: round(quantile(latencies, 0.5)),
      latencyP99Ms: round(quantile(latencies, 0.99)),
    },
    data: { arrivals },
    charts: [{
      title: "Send order vs arrival: points below the diagonal overtook earlier writes",
      spec: lineChart(
        arrivals.map((a, rank) => ({
          x: a.seq,
          y: rank,
          series: a.seq < rank ? "arrived late" : a.seq > rank ? "overtook" : "in order",
        })),
        {
          title: "Write number vs arrival position",
          xTitle: "write number (send order)",
          yTitle: "arrival position",
          scatter: true,
        },
      ),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 3: a burst of uploads through a narrow link. */
const bandwidth: Demo = (params, seed) => {
  const requests = params.requests;
  const sizeBytes = params.messageBytes;
  const sim = new Simulation<DemoMessage>({
    seed,
    network: {
      latency: { kind: "constant", ms: 5 },
      bandwidthBytesPerMs: params.bandwidthBytesPerMs,
      queueLimitBytes: params.queueLimitBytes,
      fifo: true,
    },
  });
  const arrivals: { x: number; y: number }[] = [];
  sim.addNode(
    "client",
    (rt) => sender(rt, "server", requests, 1, (seq) => ({ type: "Upload", seq, sizeBytes })),
  );
  sim.addNode("server", () => ({
    onMessage: (_from, msg) => {
      if (msg.type === "Upload") {
        arrivals.push({ x: msg.seq, y: round(sim.now - msg.seq, 3) });
      }
    },
  }));
  sim.run();
  const delays = arrivals.map((a) => a.y).sort((a, b) => a - b);
  return {
    summary: {
      uploads: requests,
      delivered: arrivals.length,
      droppedQueueFull: sim.stats.dropped["queue-full"],
      latencyP50Ms: round(quantile(delays, 0.5)),
      latencyMaxMs: round(delays.at(-1) ?? 0),
      bytesSent: sim.stats.bytes,
    },
    data: { arrivals },
    charts: [{
      title: "Latency grows while the queue fills, then messages are dropped",
      spec: lineChart(arrivals, {
        title: "Latency of each upload",
        xTitle: "upload number",
        yTitle: "latency (ms)",
        points: true,
      }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 4: transfers through a network that alters and forges messages. */
const secure: Demo = (params, seed) => {
  const requests = params.requests;
  const sim = new Simulation<DemoMessage>({
    seed,
    network: {
      tamperProbability: params.tamperProbability,
      authenticate: params.authenticate,
    },
  });
  let received = 0;
  sim.addNode(
    "client",
    (rt) => sender(rt, "bank", requests, 10, () => ({ type: "Transfer", amount: 10 })),
  );
  sim.addNode("bank", () => ({
    onMessage: (_from, msg) => {
      if (msg.type === "Transfer") received += Number(msg.amount) || 0;
    },
  }));
  sim.addNode("mallory", () => ({ onMessage: () => {} }));
  sim.schedule([{
    atMs: requests * 5,
    kind: "forge",
    from: "client",
    to: "bank",
    msg: { type: "Transfer", amount: 1000 } as Message,
  }]);
  sim.run({ untilMs: requests * 10 + 100 });
  const expected = requests * 10;
  return {
    summary: {
      expectedTotal: expected,
      bankTotal: received,
      discrepancy: received - expected,
      tampered: sim.stats.tampered,
      rejected: sim.stats.dropped["auth-failed"],
      authenticate: params.authenticate,
    },
    data: {},
    charts: [{
      title: "The bank's books vs what the client sent",
      spec: barChart([
        { label: "client sent", value: expected },
        { label: "bank credited", value: received },
      ], { title: "Money that appeared from nowhere", yTitle: "amount" }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 5: a membership view built from heartbeats, while the topology changes. */
const topology: Demo = (params, seed) => {
  const partitionMs = params.partitionMs;
  const horizonMs = 600 + partitionMs + 600;
  const sim = new Simulation<DemoMessage>({ seed });
  const views = new Map<NodeId, Map<NodeId, number>>();
  const nodes = ["n1", "n2", "n3", "n4", "n5"];
  for (const id of nodes) {
    sim.addNode(id, (rt) => {
      const lastHeard = new Map<NodeId, number>();
      views.set(id, lastHeard);
      return {
        onStart: () => rt.setTimer(0, "beat"),
        onMessage: (_from, msg) => {
          if (msg.type === "Heartbeat") lastHeard.set(msg.from, rt.now());
        },
        onTimer: () => {
          for (const peer of rt.peers()) rt.send(peer, { type: "Heartbeat", from: id });
          rt.setTimer(50, "beat");
        },
      };
    }, { dormant: id === "n5" });
  }
  sim.schedule([
    { atMs: 300, kind: "join", node: "n5" },
    { atMs: 600, kind: "partition", groups: [["n1", "n2", "n5"], ["n3", "n4"]] },
    { atMs: 600 + partitionMs, kind: "heal" },
  ]);
  const rows: { x: number; y: number; series: string }[] = [];
  let disagreementMs = 0;
  for (let t = 0; t <= horizonMs; t += 25) {
    sim.run({ untilMs: t });
    const sizes: number[] = [];
    for (const id of nodes) {
      if (!sim.isUp(id)) continue;
      const seen = [...(views.get(id)?.values() ?? [])].filter((at) => t - at <= 150).length;
      sizes.push(seen + 1);
      rows.push({ x: t, y: seen + 1, series: id });
    }
    if (new Set(sizes).size > 1) disagreementMs += 25;
  }
  return {
    summary: {
      nodes: nodes.length,
      partitionMs,
      disagreementMs,
      messagesDroppedByPartition: sim.stats.dropped.partition,
    },
    data: { views: rows },
    charts: [{
      title: "Each node's view of the cluster size (n5 joins at 300 ms, partition at 600 ms)",
      spec: heatmap(rows.map((r) => ({ x: r.x, y: r.series, value: r.y })), {
        title: "Cluster size as each node sees it",
        xTitle: "time (ms)",
        valueTitle: "nodes believed alive",
        stepX: 25,
      }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 6: failure detection with one node configured differently. */
const administrator: Demo = (params, seed) => {
  const badTimeoutMs = params.misconfiguredTimeoutMs;
  const sim = new Simulation<DemoMessage>({
    seed,
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } },
  });
  const suspicions: { x: number; y: number; series: string }[] = [];
  sim.addNode("leader", (rt) => ({
    onStart: () => rt.setTimer(0, "beat"),
    onMessage: () => {},
    onTimer: () => {
      for (const peer of rt.peers()) rt.send(peer, { type: "Heartbeat", from: "leader" });
      rt.setTimer(100, "beat");
    },
  }));
  const followers = ["n1", "n2", "n3", "n4"];
  const counts = new Map<NodeId, number>(followers.map((f) => [f, 0]));
  for (const id of followers) {
    const timeoutMs = id === "n4" ? badTimeoutMs : 300;
    sim.addNode(id, (rt) => {
      let timer = -1;
      const arm = () => {
        rt.cancelTimer(timer);
        timer = rt.setTimer(rt.config.electionTimeoutMs as number, "suspect");
      };
      return {
        onStart: arm,
        onMessage: arm,
        onTimer: () => {
          // The leader is alive and well: every suspicion is a false positive.
          counts.set(id, counts.get(id)! + 1);
          suspicions.push({ x: round(sim.now), y: counts.get(id)!, series: id });
          arm();
        },
      };
    }, { config: { electionTimeoutMs: timeoutMs } });
  }
  sim.run({ untilMs: 2000 });
  return {
    summary: {
      heartbeatIntervalMs: 100,
      standardTimeoutMs: 300,
      misconfiguredTimeoutMs: badTimeoutMs,
      falseSuspicions: suspicions.length,
      ...Object.fromEntries([...counts].map(([k, v]) => [`suspicions_${k}`, v])),
    },
    data: { suspicions },
    charts: [{
      title: "False suspicions of a healthy leader, per follower",
      spec: lineChart(suspicions, {
        title: "Cumulative false suspicions (n4 has its own timeout)",
        xTitle: "time (ms)",
        yTitle: "suspicions",
        interpolate: "step-after",
        points: true,
      }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 7: sending updates one by one vs in batches, with a per-message overhead. */
const transportCost: Demo = (params, seed) => {
  const updates = params.requests;
  const chosen = params.batchSize;
  const headerBytes = 40;
  const payloadBytes = 50;
  const run = (batchSize: number, runSeed: number) => {
    const sim = new Simulation<DemoMessage>({
      seed: runSeed,
      trace: "hash",
      network: {
        costPerMessage: params.costPerMessage,
        costPerByte: params.costPerByte,
      },
    });
    const batches = Math.ceil(updates / batchSize);
    sim.addNode("client", (rt) =>
      sender(rt, "server", batches, 10, (i) => {
        const n = Math.min(batchSize, updates - i * batchSize);
        return { type: "Batch", updates: n, sizeBytes: headerBytes + n * payloadBytes };
      }));
    sim.addNode("server", () => ({ onMessage: () => {} }));
    sim.run();
    return { sim, batches };
  };
  const sizes = [1, 2, 5, 10, 20, 50, 100].filter((b) => b <= Math.max(updates, 1));
  if (!sizes.includes(chosen)) sizes.push(chosen);
  sizes.sort((a, b) => a - b);
  const rows = sizes.map((b) => {
    const { sim } = run(b, seed);
    return { x: b, y: round(sim.stats.cost) };
  });
  const { sim, batches } = run(chosen, seed);
  return {
    summary: {
      updates,
      batchSize: chosen,
      messages: batches,
      bytes: sim.stats.bytes,
      cost: round(sim.stats.cost),
      costUnbatched: rows[0].y,
      worstExtraWaitMs: (chosen - 1) * 10,
    },
    data: { costByBatchSize: rows },
    charts: [{
      title: "Cost of sending the same updates, by batch size",
      spec: lineChart(rows, {
        title: "Every message pays a header; batching amortises it",
        xTitle: "updates per message",
        yTitle: "cost units",
        points: true,
      }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** Fallacy 8: fan-out to servers of different speeds and clocks. */
const homogeneous: Demo = (params, seed) => {
  const requests = params.requests;
  const slowMs = params.slowProcessingMs;
  const driftPpm = params.driftPpm;
  const sim = new Simulation<DemoMessage>({ seed });
  const servers = ["s1", "s2", "s3"];
  const samples: { x: number; y: number; series: string }[] = [];
  const fanOut: number[] = [];
  sim.addNode("client", (rt) => {
    const pending = new Map<number, number>();
    let seq = 0;
    return {
      onStart: () => rt.setTimer(0, "fan-out"),
      onMessage: (from, msg) => {
        if (msg.type !== "Response") return;
        samples.push({ x: msg.seq, y: round(rt.now() - msg.sentAt, 3), series: from });
        const left = pending.get(msg.seq)! - 1;
        pending.set(msg.seq, left);
        if (left === 0) fanOut.push(rt.now() - msg.sentAt);
      },
      onTimer: () => {
        pending.set(seq, servers.length);
        for (const s of servers) rt.send(s, { type: "Request", seq, sentAt: rt.now() });
        seq++;
        if (seq < requests) rt.setTimer(20, "fan-out");
      },
    };
  });
  for (const id of servers) {
    sim.addNode(id, (rt) => ({
      onMessage: (from, msg) => {
        if (msg.type !== "Request") return;
        rt.send(from, { type: "Response", seq: msg.seq, sentAt: msg.sentAt, serverTime: rt.now() });
      },
    }), {
      processingMs: id === "s3" ? slowMs : 1,
      clock: { driftPpm: id === "s3" ? driftPpm : 0 },
    });
  }
  sim.run({ untilMs: requests * 20 + 5000 });
  const sorted = fanOut.slice().sort((a, b) => a - b);
  const per = (s: string) =>
    samples.filter((r) => r.series === s).map((r) => r.y).sort((a, b) => a - b);
  return {
    summary: {
      requests,
      p50FastServerMs: round(quantile(per("s1"), 0.5)),
      p50SlowServerMs: round(quantile(per("s3"), 0.5)),
      fanOutP50Ms: round(quantile(sorted, 0.5)),
      fanOutP99Ms: round(quantile(sorted, 0.99)),
      clockSkewAtEndMs: round(sim.clockOf("s3").nowMs(sim.now) - sim.clockOf("s1").nowMs(sim.now)),
    },
    data: { samples },
    charts: [{
      title: "Response time per server: the slowest one sets the pace of every fan-out",
      spec: lineChart(samples, {
        title: "Response time by request, per server",
        xTitle: "request number",
        yTitle: "response time (ms)",
        points: true,
      }),
    }],
    traceHash: sim.trace.hash(),
  };
};

/** The demo for each fallacy. */
export const FALLACY_DEMOS: Record<FallacyId, Demo> = {
  reliable,
  latency,
  bandwidth,
  secure,
  topology,
  administrator,
  "transport-cost": transportCost,
  homogeneous,
};
