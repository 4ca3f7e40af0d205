/**
 * Experiment `clock-drift`: N nodes with drifting, offset clocks, synchronised by no
 * algorithm, Cristian's, Berkeley's or NTP's, over a network with (possibly asymmetric)
 * latency. Reports how far clocks are from true time, and from each other, with and without
 * synchronisation (fallacies 2 and 8: latency is not zero, and not the same both ways).
 *
 * @module
 */

import { roundTo } from "./stats.ts";
import { Random, Simulation } from "../sim/mod.ts";
import type { ProcessFactory } from "../sim/mod.ts";
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
} from "../clocks/mod.ts";
import { clockOffsetChart, type OffsetSample, type SyncEvent } from "../viz/clock_charts.ts";
import { ParamError } from "./params.ts";
import { defineExperiment } from "./define_experiment.ts";
import { enumParam, integerParam, numberParam } from "./param_specs.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The algorithms the experiment can run; `naive` assumes zero latency (broken on purpose). */
export const SYNC_ALGORITHMS = ["none", "naive", "cristian", "berkeley", "ntp"] as const;

/** Max and mean |offset| from true time, and the largest spread between nodes. */
export interface OffsetStats {
  maxAbsOffsetMs: number;
  meanAbsOffsetMs: number;
  maxSkewMs: number;
}

const round3 = (v: number) => roundTo(v, 3);

/**
 * Summarises offset samples: max and mean |offset|, and the largest spread between the
 * nodes' clocks at one sampling instant.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offsetStats } from "./clock_drift.ts";
 * const s = offsetStats([{ trueMs: 0, node: "a", offsetMs: -2 }, { trueMs: 0, node: "b", offsetMs: 4 }]);
 * assert.deepEqual(s, { maxAbsOffsetMs: 4, meanAbsOffsetMs: 3, maxSkewMs: 6 });
 * ```
 */
export function offsetStats(rows: readonly OffsetSample[]): OffsetStats {
  if (rows.length === 0) return { maxAbsOffsetMs: 0, meanAbsOffsetMs: 0, maxSkewMs: 0 };
  const byTime = new Map<number, { low: number; high: number }>();
  let sum = 0;
  let max = 0;
  for (const r of rows) {
    sum += Math.abs(r.offsetMs);
    max = Math.max(max, Math.abs(r.offsetMs));
    const seen = byTime.get(r.trueMs) ?? { low: Infinity, high: -Infinity };
    byTime.set(r.trueMs, {
      low: Math.min(seen.low, r.offsetMs),
      high: Math.max(seen.high, r.offsetMs),
    });
  }
  let skew = 0;
  for (const { low, high } of byTime.values()) skew = Math.max(skew, high - low);
  return {
    maxAbsOffsetMs: round3(max),
    meanAbsOffsetMs: round3(sum / rows.length),
    maxSkewMs: round3(skew),
  };
}

function factoryFor(
  algorithm: (typeof SYNC_ALGORITHMS)[number],
  index: number,
  options: { intervalMs: number; toleranceMs: number; onAdjust: (deltaMs: number) => void },
): ProcessFactory<SyncMessage, SyncedProcess> {
  const { intervalMs, toleranceMs, onAdjust } = options;
  switch (algorithm) {
    case "none":
      // Without messages the trace would be empty; record each clock's start so the hash
      // still tells two seeds (two sets of clocks) apart.
      return (rt) => ({
        correctionMs: 0,
        onStart: () => rt.state("wallClockAtStartMs", round3(rt.now())),
        onMessage: () => {},
      });
    case "naive":
      return naiveTimeClient({ server: "ts", intervalMs, onAdjust });
    case "cristian":
      return cristianClient({ server: "ts", intervalMs, onAdjust });
    case "ntp":
      return ntpClient({ server: "ts", intervalMs, onAdjust });
    case "berkeley":
      return index === 0
        ? berkeleyMaster({ intervalMs, toleranceMs, onAdjust })
        : berkeleySlave({ onAdjust });
  }
}

/**
 * Rejects a latency range whose maximum is below its minimum, naming both parameters (the
 * per-parameter ranges cannot express a relation between two parameters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkLatencyRange } from "./clock_drift.ts";
 * assert.throws(() => checkLatencyRange("x", 5, 1), /latencyMaxMs \(1\) must be ≥ latencyMinMs \(5\)/);
 * ```
 */
export function checkLatencyRange(experiment: string, minMs: number, maxMs: number): void {
  if (maxMs < minMs) {
    throw new ParamError(
      `${experiment}: parameter latencyMaxMs (${maxMs}) must be ≥ latencyMinMs (${minMs})`,
    );
  }
}

/** The knobs of {@linkcode clockDriftExperiment}. */
const CLOCK_DRIFT_PARAMS = {
  nodes: integerParam({ default: 4, min: 1, max: 20, description: "Number of nodes." }),
  algorithm: enumParam({
    default: "ntp",
    values: SYNC_ALGORITHMS,
    description:
      "Synchronisation algorithm (naive: takes the server's time as is, assuming zero latency)",
  }),
  syncIntervalMs: integerParam({
    default: 10_000,
    min: 100,
    max: 600_000,
    description: "Time between polls (local clock)",
  }),
  maxDriftPpm: numberParam({
    default: 200,
    min: 0,
    max: 10_000,
    description: "Each node's drift is uniform in ±this (ppm)",
  }),
  maxOffsetMs: numberParam({
    default: 500,
    min: 0,
    max: 100_000,
    description: "Each node's initial offset is uniform in ±this (ms)",
  }),
  latencyMinMs: numberParam({
    default: 5,
    min: 0,
    max: 10_000,
    description: "Minimum one-way latency",
  }),
  latencyMaxMs: numberParam({
    default: 25,
    min: 0,
    max: 10_000,
    description: "Maximum one-way latency",
  }),
  asymmetryMs: numberParam({
    default: 0,
    min: 0,
    max: 10_000,
    description: "Extra latency on the path towards the reference (server or master)",
  }),
  berkeleyToleranceMs: numberParam({
    default: 500,
    min: 0,
    max: 1e9,
    description: "Berkeley: clocks further than this from the median are left out of the average",
  }),
  durationMs: integerParam({
    default: 120_000,
    min: 1000,
    max: 86_400_000,
    description: "Simulated duration",
  }),
  samples: integerParam({
    default: 200,
    min: 10,
    max: 2000,
    description: "Offset samples per node",
  }),
};

/** Runs the experiment (the `run` of {@linkcode clockDriftExperiment}). */
export function runClockDrift(
  params: ParamsOf<typeof CLOCK_DRIFT_PARAMS>,
  seed: number,
): ExperimentResult {
  const { nodes, algorithm, maxDriftPpm, maxOffsetMs, latencyMinMs, latencyMaxMs } = params;
  checkLatencyRange("clock-drift", latencyMinMs, latencyMaxMs);
  const { asymmetryMs, durationMs, syncIntervalMs: intervalMs, samples: sampleCount } = params;

  const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const reference = algorithm === "berkeley" ? "n1" : "ts";
  const towards = {
    kind: "uniform" as const,
    minMs: latencyMinMs + asymmetryMs,
    maxMs: latencyMaxMs + asymmetryMs,
  };
  // Fallacy 8: the path towards the reference can be slower than the way back.
  const links: Record<string, { latency: typeof towards }> = {};
  for (const id of ids) if (id !== reference) links[`${id}->${reference}`] = { latency: towards };
  const sim = new Simulation<SyncMessage, SyncedProcess>({
    seed,
    network: { latency: { kind: "uniform", minMs: latencyMinMs, maxMs: latencyMaxMs }, links },
    trace: "hash",
  });
  const clockRandom = new Random(seed).split("clocks");
  const syncEvents: SyncEvent[] = [];
  if (algorithm !== "none" && algorithm !== "berkeley") sim.addNode("ts", timeServer());
  ids.forEach((id, index) => {
    const clock = {
      offsetMs: round3(clockRandom.uniform(-maxOffsetMs, maxOffsetMs)),
      driftPpm: round3(clockRandom.uniform(-maxDriftPpm, maxDriftPpm)),
    };
    const onAdjust = (deltaMs: number) => {
      const correction = sim.processOf(id)?.correctionMs ?? 0;
      // The hook runs inside the step, so the correction already includes deltaMs.
      const offsetMs = round3(sim.clockOf(id).offsetMs(sim.now) + correction);
      syncEvents.push({ trueMs: round3(sim.now), node: id, deltaMs: round3(deltaMs), offsetMs });
    };
    sim.addNode(
      id,
      factoryFor(algorithm, index, {
        intervalMs,
        toleranceMs: params.berkeleyToleranceMs,
        onAdjust,
      }),
      { clock },
    );
  });

  const synced: OffsetSample[] = [];
  const hardware: OffsetSample[] = [];
  let everyoneSyncedAtMs = algorithm === "none" ? 0 : Infinity;
  const stepMs = durationMs / sampleCount;
  for (let k = 0; k <= sampleCount; k++) {
    sim.at(k * stepMs, () => {
      const t = sim.now;
      if (
        everyoneSyncedAtMs === Infinity && ids.every((id) => syncEvents.some((e) => e.node === id))
      ) {
        everyoneSyncedAtMs = t;
      }
      for (const id of ids) {
        const raw = sim.clockOf(id).offsetMs(t);
        const correction = sim.processOf(id)?.correctionMs ?? 0;
        hardware.push({ trueMs: round3(t), node: id, offsetMs: round3(raw) });
        synced.push({ trueMs: round3(t), node: id, offsetMs: round3(raw + correction) });
      }
    });
  }
  sim.run({ untilMs: durationMs });

  const afterSync = synced.filter((s) => s.trueMs >= everyoneSyncedAtMs);
  const bound = algorithm === "cristian" || algorithm === "ntp"
    ? round3(promisedBoundMs(
      {
        forwardMinMs: towards.minMs,
        forwardMaxMs: towards.maxMs,
        returnMinMs: latencyMinMs,
        returnMaxMs: latencyMaxMs,
      },
      { intervalMs, maxDriftPpm, samplesKept: algorithm === "ntp" ? 8 : 1 },
    ))
    : null;
  return {
    summary: {
      algorithm,
      nodes,
      unsynced: offsetStats(hardware),
      synced: offsetStats(afterSync),
      firstFullSyncMs: Number.isFinite(everyoneSyncedAtMs) ? round3(everyoneSyncedAtMs) : null,
      promisedBoundMs: bound,
      syncEvents: syncEvents.length,
      messages: sim.stats.sent,
    },
    data: { samples: synced, hardwareSamples: hardware, syncEvents },
    charts: [
      {
        title: `Clock offsets with ${algorithm === "none" ? "no synchronisation" : algorithm}`,
        spec: clockOffsetChart({ samples: afterSync, syncEvents }, {
          title: `Offset from true time, sync: ${algorithm}`,
          subtitle: algorithm === "none" ? undefined : "from the moment every node has synced once",
        }),
      },
      {
        title: "Hardware clocks without synchronisation",
        spec: clockOffsetChart({ samples: hardware, syncEvents: [] }, {
          title: "Hardware clock offsets (no sync)",
        }),
      },
    ],
    traceHash: sim.trace.hash(),
  };
}

/** The `clock-drift` experiment. */
export const clockDriftExperiment: Experiment = defineExperiment({
  name: "clock-drift",
  title: "Clock drift and synchronisation",
  description:
    "Nodes with offset, drifting clocks; sync by none, Cristian, Berkeley or NTP; offsets before and after",
  params: CLOCK_DRIFT_PARAMS,
  run: (params, seed) => runClockDrift(params, seed),
});
