/**
 * Experiment `causality`: nodes exchange random messages; every event is stamped with a
 * Lamport clock, a vector clock (or a known-broken variant) and an HLC, and the stamps are
 * checked against happens-before computed from the trace's send and deliver events.
 *
 * @module
 */

import { roundTo } from "./stats.ts";
import { Random, Simulation } from "../sim/mod.ts";
import {
  type CausalEvent,
  causalOrder,
  type ClockRules,
  formatHlc,
  formatVector,
  hlcReceive,
  hlcSend,
  type HlcTimestamp,
  hlcZero,
  lamportReceive,
  lamportTick,
  type VectorClock,
  vectorMinMerge,
  vectorRules,
  vectorWithoutIncrementOnReceive,
} from "../clocks/mod.ts";
import { checkClockCondition, checkHlc, checkVectorClocks } from "../check/mod.ts";
import { causalityDiagram, type DiagramEvent } from "../viz/causality_diagram.ts";
import { hlcChart, type HlcSample } from "../viz/clock_charts.ts";
import { checkLatencyRange } from "./clock_drift.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The vector-clock rule sets the experiment can run, the real one first. */
export const VECTOR_VARIANTS: Record<string, ClockRules<VectorClock>> = {
  vector: vectorRules,
  "vector-without-increment-on-receive": vectorWithoutIncrementOnReceive,
  "vector-min-merge": vectorMinMerge,
};

interface Gossip {
  type: "Gossip";
  lamport: number;
  vector: VectorClock;
  hlc: HlcTimestamp;
}

interface Stamp {
  lamport: number;
  vector: VectorClock;
  hlc: HlcTimestamp;
  pt: number;
}

/** How event `i` relates to the focus event, in words, for the diagram's colours. */
const RELATION_TO_FOCUS = {
  equal: "focus",
  before: "happened after", // the focus happened before event i
  after: "happened before",
  concurrent: "concurrent",
} as const;

/** The knobs of {@linkcode causalityExperiment}. */
const CAUSALITY_PARAMS = {
  nodes: integerParam({ default: 3, min: 1, max: 8, description: "Number of nodes." }),
  eventsPerNode: integerParam({
    default: 5,
    min: 1,
    max: 60,
    description: "Local or send events per node (receives come on top)",
  }),
  sendProbability: numberParam({
    default: 0.6,
    min: 0,
    max: 1,
    description: "Chance an event sends a message",
  }),
  meanGapMs: numberParam({
    default: 20,
    min: 0.1,
    max: 10_000,
    description: "Mean time between a node's events",
  }),
  latencyMinMs: numberParam({
    default: 2,
    min: 0,
    max: 10_000,
    description: "Minimum one-way latency",
  }),
  latencyMaxMs: numberParam({
    default: 40,
    min: 0,
    max: 10_000,
    description: "Maximum one-way latency",
  }),
  maxSkewMs: numberParam({
    default: 30,
    min: 0,
    max: 100_000,
    description: "Clock offsets are uniform in [0, this]",
  }),
  maxDriftPpm: numberParam({
    default: 100,
    min: 0,
    max: 10_000,
    description: "Drift uniform in ±this (ppm)",
  }),
  clock: enumParam({
    default: "vector",
    values: Object.keys(VECTOR_VARIANTS),
    description: "Vector clock rules: the real ones or a known-broken variant",
  }),
  focusEvent: integerParam({
    default: -1,
    min: -1,
    max: 10_000,
    description: "Event whose past, future and concurrent events are coloured (-1: the middle one)",
  }),
};

/** Runs the experiment (the `run` of {@linkcode causalityExperiment}). */
export function runCausality(
  params: ParamsOf<typeof CAUSALITY_PARAMS>,
  seed: number,
): ExperimentResult {
  const { nodes, eventsPerNode, sendProbability, latencyMinMs, latencyMaxMs } = params;
  checkLatencyRange("causality", latencyMinMs, latencyMaxMs);
  const rules = VECTOR_VARIANTS[params.clock];
  const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const sim = new Simulation<Gossip>({
    seed,
    network: { latency: { kind: "uniform", minMs: latencyMinMs, maxMs: latencyMaxMs } },
    trace: "full",
  });
  const clockRandom = new Random(seed).split("clocks");
  const stamps = new Map<string, Stamp[]>(ids.map((id) => [id, []]));
  for (const id of ids) {
    const clock = {
      offsetMs: clockRandom.uniform(0, params.maxSkewMs),
      driftPpm: clockRandom.uniform(-params.maxDriftPpm, params.maxDriftPpm),
    };
    sim.addNode(id, (rt) => {
      let lamport = 0;
      let vector = rules.initial(id);
      let hlc = hlcZero();
      let done = 0;
      const record = (kind: CausalEvent["kind"], pt: number) => {
        stamps.get(id)!.push({ lamport, vector, hlc, pt });
        if (kind === "local") rt.state("event", "local");
      };
      const next = () => {
        if (done < eventsPerNode) {
          rt.setTimer(rt.random.exponential(params.meanGapMs), "act");
        }
      };
      return {
        onStart: next,
        onTimer() {
          done++;
          const pt = Math.floor(rt.now());
          const event: CausalEvent = { node: id, kind: "local", pt };
          lamport = lamportTick(lamport);
          vector = rules.tick(vector, event);
          hlc = hlcSend(hlc, pt);
          if (rt.random.bool(sendProbability) && ids.length > 1) {
            record("send", pt);
            rt.send(rt.random.pick(rt.peers()), { type: "Gossip", lamport, vector, hlc });
          } else {
            record("local", pt);
          }
          next();
        },
        onMessage(_from, msg) {
          const pt = Math.floor(rt.now());
          const event: CausalEvent = { node: id, kind: "receive", pt };
          lamport = lamportReceive(lamport, msg.lamport);
          vector = rules.receive(vector, msg.vector, event);
          hlc = hlcReceive(hlc, msg.hlc, pt);
          record("receive", pt);
        },
      };
    }, { clock });
  }
  sim.run();

  // Ground truth: the execution as the trace saw it, independent of any clock.
  const events: CausalEvent[] = [];
  const stampOf: Stamp[] = [];
  const cursor = new Map(ids.map((id) => [id, 0]));
  const take = (node: string) => {
    const k = cursor.get(node)!;
    cursor.set(node, k + 1);
    return stamps.get(node)![k];
  };
  for (const e of sim.trace.events) {
    let event: CausalEvent | undefined;
    if (e.kind === "send") {
      event = { node: e.from, kind: "send", messageId: String(e.id), trueMs: e.t };
    } else if (e.kind === "deliver") {
      event = { node: e.to, kind: "receive", messageId: String(e.id), trueMs: e.t };
    } else if (e.kind === "state" && e.key === "event") {
      event = { node: e.node, kind: "local", trueMs: e.t };
    }
    if (event === undefined) continue;
    const stamp = take(event.node);
    events.push({ ...event, pt: stamp.pt });
    stampOf.push(stamp);
  }

  const order = causalOrder(events);
  let happensBeforePairs = 0;
  let concurrentPairs = 0;
  let lamportOrderedConcurrent = 0;
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const relation = order.relation(i, j);
      if (relation === "concurrent") {
        concurrentPairs++;
        if (stampOf[i].lamport !== stampOf[j].lamport) lamportOrderedConcurrent++;
      } else happensBeforePairs++;
    }
  }
  const vectorViolation = checkVectorClocks(events, stampOf.map((s) => s.vector));
  const lamportViolation = checkClockCondition(events, stampOf.map((s) => s.lamport));
  const ptAt = (node: string, t: number) => sim.clockOf(node).nowMs(t);
  const endMs = Math.max(0, ...events.map((e) => e.trueMs!));
  let epsilonMs = 0;
  for (const t of [0, endMs]) {
    const readings = ids.map((id) => ptAt(id, t));
    epsilonMs = Math.max(epsilonMs, Math.max(...readings) - Math.min(...readings) + 1);
  }
  const hlcViolation = checkHlc(events, stampOf.map((s) => s.hlc), { epsilonMs });

  const requested = params.focusEvent;
  const focus = events.length === 0
    ? 0
    : requested < 0
    ? Math.floor(events.length / 2)
    : Math.min(requested, events.length - 1);
  const diagramEvents: DiagramEvent[] = events.map((e, i) => ({
    index: i,
    node: e.node,
    kind: e.kind,
    trueMs: roundTo(e.trueMs!, 3),
    label: formatVector(stampOf[i].vector, ids),
    relation: RELATION_TO_FOCUS[order.relation(focus, i)],
  }));
  const sendAt = new Map(
    events.flatMap((e) => (e.kind === "send" ? [[e.messageId!, e] as const] : [])),
  );
  const messages = events.flatMap((e) => {
    if (e.kind !== "receive") return [];
    const send = sendAt.get(e.messageId!)!;
    return [{ from: send.node, to: e.node, sendMs: send.trueMs!, receiveMs: e.trueMs! }];
  });
  const hlcSamples: HlcSample[] = events.map((e, i) => ({
    trueMs: roundTo(e.trueMs!, 3),
    node: e.node,
    pt: e.pt!,
    l: stampOf[i].hlc.l,
    c: stampOf[i].hlc.c,
  }));
  return {
    summary: {
      clock: rules.name,
      events: events.length,
      messages: messages.length,
      happensBeforePairs,
      concurrentPairs,
      lamportOrdersConcurrentPairs: lamportOrderedConcurrent,
      vectorClocksExact: vectorViolation === undefined,
      vectorViolation: vectorViolation?.message.split("\n")[0] ?? null,
      lamportClockCondition: lamportViolation === undefined,
      hlcBoundsHold: hlcViolation === undefined,
      hlcViolation: hlcViolation?.message.split("\n")[0] ?? null,
      epsilonMs: roundTo(epsilonMs, 3),
      maxHlcCounter: Math.max(0, ...stampOf.map((s) => s.hlc.c)),
      focusEvent: focus,
    },
    data: {
      nodes: ids,
      events: diagramEvents.map((e, i) => ({
        ...e,
        lamport: stampOf[i].lamport,
        hlc: formatHlc(stampOf[i].hlc),
        pt: events[i].pt,
      })),
      messages,
      hlcSamples,
      violationLog: vectorViolation?.message ?? null,
    },
    charts: [
      {
        title: "Space-time diagram with vector timestamps",
        spec: causalityDiagram({ nodes: ids, events: diagramEvents, messages }, {
          title: `Vector clocks (${rules.name}); colours relative to event #${focus}`,
        }),
      },
      { title: "HLC vs physical time", spec: hlcChart(hlcSamples) },
    ],
    traceHash: sim.trace.hash(),
  };
}

/** The `causality` experiment. */
export const causalityExperiment: Experiment = defineExperiment({
  name: "causality",
  title: "Causality: Lamport, vector and hybrid clocks",
  description:
    "Random message exchange; vector timestamps vs ground-truth happens-before; concurrent pairs",
  params: CAUSALITY_PARAMS,
  run: (params, seed) => runCausality(params, seed),
});
