/**
 * Experiment `hash-balance`: places keys with one partitioning scheme (mod-N, range, ring,
 * jump, rendezvous) and measures the balance of the buckets (`stdError`: standard deviation
 * of keys per node over their mean), the fraction of keys that move when one node joins
 * (`movedFraction`; theory n/(n+1) for mod-N, 1/(n+1) for the others) and when the last node
 * leaves, and the hottest node's share of a Zipf-skewed request load. It also sweeps the
 * ring's points per node against Lamping & Veach 2014, Table 1 (0.998, 0.315, 0.0997,
 * 0.0316 for 1, 10, 100, 1000 points), and compares every scheme's moved fraction.
 *
 * No simulation runs here; the traceHash hashes every key's owner before and after the join.
 *
 * @module
 */

import { combineHashes, Random } from "../sim/mod.ts";
import {
  bucketSizes,
  expectedMovedFraction,
  hashRingPartitioner,
  jumpHashPartitioner,
  modNPartitioner,
  murmur3,
  type Partitioner,
  type RangePartitioner,
  rangePartitioner,
  rangesFromSample,
  rendezvousPartitioner,
  splitHottestRange,
  standardError,
} from "../partitioning/mod.ts";
import {
  movedFractionChart,
  partitionLoadChart,
  ringStdErrorChart,
} from "../viz/partitioning_charts.ts";
import { defineExperiment } from "./define_experiment.ts";
import { booleanParam, enumParam, integerParam, numberParam } from "./param_specs.ts";
import { roundTo } from "./stats.ts";
import type { Experiment, ExperimentResult, ParamsOf } from "./types.ts";

/** The schemes compared, as the CLI names them. */
export const HASH_BALANCE_SCHEMES = ["mod", "range", "ring", "jump", "rendezvous"] as const;
/** A scheme's CLI name. */
export type HashBalanceScheme = (typeof HASH_BALANCE_SCHEMES)[number];

/** Lamping & Veach 2014, Table 1: the ring's standard error at 1, 10, 100, 1000 points per node. */
export const JUMP_PAPER_RING_STD_ERRORS: Readonly<Record<number, number>> = {
  1: 0.998,
  10: 0.315,
  100: 0.0997,
  1000: 0.0316,
};

const HASH_BALANCE_PARAMS = {
  scheme: enumParam({
    values: HASH_BALANCE_SCHEMES,
    default: "ring",
    description: "Partitioning scheme",
  }),
  pointsPerNode: integerParam({
    default: 100,
    min: 1,
    max: 1000,
    description: "Virtual nodes per node (ring only)",
  }),
  nodes: integerParam({ default: 10, min: 2, max: 200, description: "Nodes before the join" }),
  keys: integerParam({ default: 20_000, min: 100, max: 200_000, description: "Keys placed" }),
  zipf: numberParam({
    default: 1,
    min: 0,
    max: 3,
    description: "Zipf exponent of the request load over keys (0: uniform; hot keys above 1)",
  }),
  ringSweep: booleanParam({
    default: true,
    description: "Also sweep the ring's points per node (1, 10, 100, 1000) over 100 nodes",
  }),
};

interface Placement {
  before: Partitioner;
  joined: Partitioner;
  left: Partitioner;
}

// Range partitioning needs the keys (its split points come from them); the hash schemes only
// the node names.
function place(
  scheme: HashBalanceScheme,
  nodes: string[],
  newNode: string,
  pointsPerNode: number,
  keys: readonly string[],
  weights: readonly number[],
  sample: readonly string[],
): Placement {
  const withNew = [...nodes, newNode];
  const withoutLast = nodes.slice(0, -1);
  switch (scheme) {
    case "mod":
      return {
        before: modNPartitioner(nodes),
        joined: modNPartitioner(withNew),
        left: modNPartitioner(withoutLast),
      };
    case "jump":
      return {
        before: jumpHashPartitioner(nodes),
        joined: jumpHashPartitioner(withNew),
        left: jumpHashPartitioner(withoutLast),
      };
    case "rendezvous":
      return {
        before: rendezvousPartitioner(nodes),
        joined: rendezvousPartitioner(withNew),
        left: rendezvousPartitioner(withoutLast),
      };
    case "ring":
      return {
        before: hashRingPartitioner(nodes, { pointsPerNode }),
        joined: hashRingPartitioner(withNew, { pointsPerNode }),
        left: hashRingPartitioner(withoutLast, { pointsPerNode }),
      };
    case "range": {
      const before: RangePartitioner = rangesFromSample(sample, nodes);
      const load = keys.map((key, i) => ({ key, weight: weights[i] }));
      // A leaving node's ranges go to the owner of the range before each (merging neighbours).
      const last = nodes[nodes.length - 1];
      const merged = before.ranges.map((r, i) =>
        r.node === last ? { ...r, node: before.ranges[i - 1]?.node ?? nodes[0] } : r
      ).filter((r, i, all) => i === 0 || r.node !== all[i - 1].node);
      return {
        before,
        joined: splitHottestRange(before, newNode, load),
        left: rangePartitioner(merged),
      };
    }
    default: {
      const unknown: never = scheme;
      throw new RangeError(`hash-balance: unknown scheme ${unknown}`);
    }
  }
}

function movedFraction(a: Partitioner, b: Partitioner, keys: readonly string[]): number {
  let moved = 0;
  for (const key of keys) if (a.locate(key) !== b.locate(key)) moved++;
  return moved / keys.length;
}

/** Runs the experiment (the `run` of {@linkcode hashBalanceExperiment}). */
export function runHashBalance(
  params: ParamsOf<typeof HASH_BALANCE_PARAMS>,
  seed: number,
): ExperimentResult {
  const { scheme, pointsPerNode, keys: keyCount, zipf } = params;
  const random = new Random(seed);
  const keyRandom = random.split("keys");
  const keys = Array.from(
    { length: keyCount },
    () => `user:${keyRandom.nextUint32().toString(36)}`,
  );
  // Zipf weights by key rank; keys are random strings, so rank is independent of placement.
  const weights = keys.map((_, i) => 1 / (i + 1) ** zipf);
  const sampleRandom = random.split("sample");
  const sample = Array.from(
    { length: 1000 },
    () => `user:${sampleRandom.nextUint32().toString(36)}`,
  );
  const nodes = Array.from({ length: params.nodes }, (_, i) => `n${i + 1}`);
  const newNode = `n${params.nodes + 1}`;

  const { before, joined, left } = place(
    scheme,
    nodes,
    newNode,
    pointsPerNode,
    keys,
    weights,
    sample,
  );
  const sizes = bucketSizes(before, keys);
  const load = bucketSizes(before, keys, (_k, i) => weights[i]);
  const meanLoad = [...load.values()].reduce((s, x) => s + x, 0) / load.size;
  const moved = movedFraction(before, joined, keys);
  const movedOnLeave = movedFraction(before, left, keys);

  // Every scheme at the same nodes and keys, for the comparison chart.
  const comparison = HASH_BALANCE_SCHEMES.map((s) => {
    const p = s === scheme
      ? { before, joined }
      : place(s, nodes, newNode, pointsPerNode, keys, weights, sample);
    return {
      scheme: s,
      movedFraction: roundTo(s === scheme ? moved : movedFraction(p.before, p.joined, keys), 4),
      expectedMovedFraction: roundTo(
        s === "range" ? Number.NaN : expectedMovedFraction(s, params.nodes),
        4,
      ),
      stdError: roundTo(standardError(bucketSizes(p.before, keys).values()), 4),
    };
  }).map((
    r,
  ) => (Number.isNaN(r.expectedMovedFraction) ? { ...r, expectedMovedFraction: null } : r));

  // The ring sweep: shares of the hash space (no key-sampling noise), over up to 1000 nodes.
  const sweepNodes = Array.from({ length: 100 }, (_, i) => `n${i + 1}`);
  const ringSweep = (params.ringSweep ? [1, 10, 100, 1000] : []).map((k) => {
    const ring = hashRingPartitioner(sweepNodes, { pointsPerNode: k });
    return {
      pointsPerNode: k,
      measured: roundTo(standardError(ring.shares().values()), 4),
      paper: JUMP_PAPER_RING_STD_ERRORS[k],
    };
  });

  const shareStdError = scheme === "ring"
    ? roundTo(
      standardError((before as ReturnType<typeof hashRingPartitioner>).shares().values()),
      4,
    )
    : null;
  const rows = nodes.map((node) => ({ node, keys: sizes.get(node) ?? 0 }));
  const summary = {
    scheme,
    nodes: params.nodes,
    pointsPerNode: scheme === "ring" ? pointsPerNode : null,
    keys: keyCount,
    stdError: roundTo(standardError(sizes.values()), 4),
    shareStdError,
    // The spread that key sampling alone gives: a multinomial's sqrt((n-1)/keys).
    samplingStdError: roundTo(Math.sqrt((params.nodes - 1) / keyCount), 4),
    movedFraction: roundTo(moved, 4),
    expectedMovedFraction: scheme === "range"
      ? null
      : roundTo(expectedMovedFraction(scheme, params.nodes), 4),
    movedFractionOnLeave: roundTo(movedOnLeave, 4),
    hottestNodeLoad: roundTo(Math.max(...load.values()) / meanLoad, 3),
    ringSweepStdErrors: ringSweep.length === 0
      ? null
      : Object.fromEntries(ringSweep.map((r) => [r.pointsPerNode, r.measured])),
  };
  const owners = (p: Partitioner) => keys.map((k) => p.locate(k)).join(",");
  return {
    summary,
    data: { buckets: rows, comparison, ringSweep },
    charts: [
      {
        title: "Keys per node",
        spec: partitionLoadChart(rows, { title: `Keys per node (${scheme})` }),
      },
      {
        title: "Keys moved on a join",
        spec: movedFractionChart(
          comparison.map((r) => ({ ...r, expectedMovedFraction: r.expectedMovedFraction ?? 0 })),
        ),
      },
      ...(ringSweep.length === 0
        ? []
        : [{ title: "Ring balance vs points per node", spec: ringStdErrorChart(ringSweep) }]),
    ],
    traceHash: combineHashes([
      murmur3(owners(before)).toString(16),
      murmur3(owners(joined)).toString(16),
    ]),
  };
}

/** The `hash-balance` experiment. */
export const hashBalanceExperiment: Experiment = defineExperiment({
  name: "hash-balance",
  title: "Partitioning: balance and keys moved",
  description:
    "Bucket balance (stdError), keys moved on a join (movedFraction) and hot-key load for mod-N, range, ring, jump and rendezvous",
  params: HASH_BALANCE_PARAMS,
  run: (params, seed) => runHashBalance(params, seed),
});
