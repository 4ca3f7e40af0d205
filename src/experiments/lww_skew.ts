/**
 * Experiment `lww-skew`: a replicated register written by a chain of read-modify-write
 * clients handing a token from node to node (and, optionally, forking it, which makes
 * concurrent writes). Three ways to resolve conflicts: last-writer-wins on physical
 * timestamps, last-writer-wins on hybrid logical clocks, and version vectors (siblings).
 * Counts lost updates as clock skew grows.
 *
 * A write is *lost* when the final state reflects it neither directly nor through a later
 * write whose writer read it (the read relation is recorded by the experiment as ground
 * truth; the protocols never see it).
 *
 * @module
 */

import { roundTo } from "./stats.ts";
import { combineHashes } from "../sim/trace.ts";
import { Random, Simulation } from "../sim/mod.ts";
import {
  contextOf,
  hlcReceive,
  hlcSend,
  type HlcTimestamp,
  hlcZero,
  type LwwValue,
  mergeLww,
  mergeVersioned,
  putVersioned,
  type Versioned,
} from "../clocks/mod.ts";
import { type LostUpdatePoint, lostUpdatesChart } from "../viz/clock_charts.ts";
import { checkLatencyRange } from "./clock_drift.ts";
import { defineExperiment } from "./define_experiment.ts";
import { integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The conflict-resolution strategies compared. */
export const LWW_STRATEGIES = ["lww-physical", "lww-hlc", "version-vectors"] as const;
export type LwwStrategy = (typeof LWW_STRATEGIES)[number];

/** A register state: one LWW value, or a set of version-vector siblings. Values are write ids. */
type RegisterState =
  | { kind: "lww"; value: LwwValue<number> | undefined }
  | { kind: "siblings"; values: Versioned<number>[] };

type LwwMessage =
  | { type: "Replicate"; state: RegisterState; hlc: HlcTimestamp }
  | { type: "Handoff"; state: RegisterState; hlc: HlcTimestamp };

function mergeStates(a: RegisterState, b: RegisterState): RegisterState {
  if (a.kind === "lww" && b.kind === "lww") {
    return { kind: "lww", value: mergeLww(a.value, b.value) };
  }
  if (a.kind === "siblings" && b.kind === "siblings") {
    return { kind: "siblings", values: mergeVersioned(a.values, b.values) };
  }
  throw new TypeError(`Cannot merge register states of kinds ${a.kind} and ${b.kind}`);
}

function visible(state: RegisterState): number[] {
  return state.kind === "lww"
    ? (state.value === undefined ? [] : [state.value.value])
    : state.values.map((v) => v.value);
}

/** The outcome of one run of one strategy at one skew. */
export interface LwwRunResult {
  writes: number;
  lostUpdates: number;
  /** Values left in the final state (1 for LWW; siblings for version vectors). */
  survivors: number;
  traceHash: string;
}

/**
 * Runs one strategy at one clock skew: node offsets are spread evenly over `[0, skewMs]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runLwwOnce } from "./lww_skew.ts";
 * const options = { nodes: 3, writes: 40, skewMs: 0, latencyMinMs: 1, latencyMaxMs: 10, forkProbability: 0 };
 * assert.equal(runLwwOnce("lww-hlc", options, 1).lostUpdates, 0);
 * ```
 */
export function runLwwOnce(
  strategy: LwwStrategy,
  options: {
    nodes: number;
    writes: number;
    skewMs: number;
    latencyMinMs: number;
    latencyMaxMs: number;
    forkProbability: number;
  },
  seed: number,
): LwwRunResult {
  const { nodes, writes, skewMs, latencyMinMs, latencyMaxMs, forkProbability } = options;
  const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const sim = new Simulation<LwwMessage>({
    seed,
    network: { latency: { kind: "uniform", minMs: latencyMinMs, maxMs: latencyMaxMs } },
    trace: "hash",
  });
  const offsets = new Random(seed).split("skew")
    .shuffle(ids.map((_, i) => (nodes === 1 ? 0 : (skewMs * i) / (nodes - 1))));
  const reads: number[][] = []; // reads[w]: the write ids writer w had read (ground truth)
  const empty: RegisterState = strategy === "version-vectors"
    ? { kind: "siblings", values: [] }
    : { kind: "lww", value: undefined };
  const replicas = new Map<string, () => RegisterState>();

  ids.forEach((id, index) => {
    sim.addNode(id, (rt) => {
      let state = empty;
      let hlc = hlcZero();
      replicas.set(id, () => state);
      const write = () => {
        if (reads.length >= writes) return;
        const writeId = reads.length;
        reads.push(visible(state));
        const pt = Math.floor(rt.now());
        if (state.kind === "siblings") {
          state = {
            kind: "siblings",
            values: putVersioned(state.values, writeId, {
              replica: id,
              context: contextOf(state.values),
            }),
          };
        } else {
          hlc = hlcSend(hlc, pt);
          const stamp = strategy === "lww-hlc" ? { ...hlc, node: id } : { l: pt, c: 0, node: id };
          // The Thomas write rule: a write with an older stamp than the stored one is ignored.
          state = { kind: "lww", value: mergeLww(state.value, { value: writeId, stamp }) };
        }
        for (const peer of rt.peers()) rt.send(peer, { type: "Replicate", state, hlc });
        const forks = rt.random.bool(forkProbability) ? 2 : 1;
        for (const next of rt.random.shuffle(rt.peers()).slice(0, forks)) {
          rt.send(next, { type: "Handoff", state, hlc });
        }
      };
      return {
        onStart() {
          if (index === 0) rt.setTimer(1, "first-write");
        },
        onTimer: write,
        onMessage(_from, msg) {
          hlc = hlcReceive(hlc, msg.hlc, Math.floor(rt.now()));
          state = mergeStates(state, msg.state);
          if (msg.type === "Handoff") write();
        },
      };
    }, { clock: { offsetMs: offsets[index] } });
  });
  sim.run();

  const final = ids.map((id) => replicas.get(id)!()).reduce(mergeStates);
  // Everything the final state reflects: its values and, transitively, what their writers read.
  const reflected = new Set<number>();
  const stack = visible(final);
  while (stack.length > 0) {
    const w = stack.pop()!;
    if (reflected.has(w)) continue;
    reflected.add(w);
    stack.push(...reads[w]);
  }
  return {
    writes: reads.length,
    lostUpdates: reads.length - reflected.size,
    survivors: visible(final).length,
    traceHash: sim.trace.hash(),
  };
}

/** The knobs of {@linkcode lwwSkewExperiment}. */
const LWW_SKEW_PARAMS = {
  nodes: integerParam({
    default: 3,
    min: 1,
    max: 10,
    description: "Replicas (each also a writer)",
  }),
  writes: integerParam({ default: 100, min: 1, max: 5000, description: "Writes per run." }),
  maxSkewMs: numberParam({
    default: 100,
    min: 0,
    max: 100_000,
    description: "Largest skew swept: offsets spread evenly over [0, skew]",
  }),
  skewSteps: integerParam({ default: 11, min: 1, max: 50, description: "Skew values swept." }),
  latencyMinMs: numberParam({
    default: 1,
    min: 0,
    max: 10_000,
    description: "Minimum one-way latency",
  }),
  latencyMaxMs: numberParam({
    default: 20,
    min: 0,
    max: 10_000,
    description: "Maximum one-way latency",
  }),
  forkProbability: numberParam({
    default: 0,
    min: 0,
    max: 1,
    description: "Chance a writer hands the token to two nodes, creating concurrent writes",
  }),
};

/** Runs the experiment (the `run` of {@linkcode lwwSkewExperiment}). */
export function runLwwSkew(
  params: ParamsOf<typeof LWW_SKEW_PARAMS>,
  seed: number,
): ExperimentResult {
  const { maxSkewMs, latencyMinMs, latencyMaxMs, skewSteps: steps } = params;
  checkLatencyRange("lww-skew", latencyMinMs, latencyMaxMs);
  const points: (LostUpdatePoint & { writes: number; survivors: number })[] = [];
  const hashes: string[] = [];
  for (let k = 0; k < steps; k++) {
    const skewMs = roundTo((maxSkewMs * k) / Math.max(1, steps - 1), 3);
    for (const strategy of LWW_STRATEGIES) {
      const result = runLwwOnce(strategy, {
        nodes: params.nodes,
        writes: params.writes,
        skewMs,
        latencyMinMs,
        latencyMaxMs,
        forkProbability: params.forkProbability,
      }, seed);
      points.push({
        skewMs,
        strategy,
        lostUpdates: result.lostUpdates,
        writes: result.writes,
        survivors: result.survivors,
      });
      hashes.push(result.traceHash);
    }
  }
  const atMax = (strategy: LwwStrategy) =>
    points.filter((p) => p.strategy === strategy).at(-1)!.lostUpdates;
  const total = (strategy: LwwStrategy) =>
    points.filter((p) => p.strategy === strategy).reduce((s, p) => s + p.lostUpdates, 0);
  const summary: Record<string, unknown> = {
    writesPerRun: points[0]?.writes ?? 0,
    maxSkewMs,
    lostAtMaxSkew: Object.fromEntries(LWW_STRATEGIES.map((s) => [s, atMax(s)])),
    lostOverAllSkews: Object.fromEntries(LWW_STRATEGIES.map((s) => [s, total(s)])),
    siblingsAtMaxSkew: points.filter((p) => p.strategy === "version-vectors").at(-1)?.survivors ??
      0,
  };
  return {
    summary,
    data: { points },
    charts: [{ title: "Lost updates vs clock skew", spec: lostUpdatesChart(points) }],
    traceHash: combineHashes(hashes),
  };
}

/** The `lww-skew` experiment. */
export const lwwSkewExperiment: Experiment = defineExperiment({
  name: "lww-skew",
  title: "Last-writer-wins under clock skew",
  description:
    "Lost updates vs skew for LWW on physical clocks, LWW on hybrid logical clocks, and version vectors",
  params: LWW_SKEW_PARAMS,
  run: (params, seed) => runLwwSkew(params, seed),
});
