/**
 * Clocks: the cost of the logical clock operations, of the happens-before oracle and of the
 * three clock experiments at their default parameters.
 *
 *   deno bench -A tests/bench/clocks_bench.ts
 */
import {
  buildExecution,
  causalOrder,
  compareVectors,
  type ExecutionStep,
  hlcReceive,
  hlcSend,
  mergeVectors,
  stampEvents,
  vectorRules,
} from "../../src/clocks/mod.ts";
import { checkVectorClocks } from "../../src/check/mod.ts";
import { Random } from "../../src/sim/mod.ts";
import { runExperiment } from "../../src/experiments/run.ts";

const random = new Random(1);
const ids = Array.from({ length: 16 }, (_, i) => `n${i}`);
const vectors = Array.from(
  { length: 1000 },
  () => Object.fromEntries(ids.map((id) => [id, random.int(0, 50)])),
);

Deno.bench("compareVectors, 16 entries (1000 pairs)", { group: "vector" }, () => {
  for (let i = 1; i < vectors.length; i++) compareVectors(vectors[i - 1], vectors[i]);
});

Deno.bench("mergeVectors, 16 entries (1000 pairs)", { group: "vector" }, () => {
  for (let i = 1; i < vectors.length; i++) mergeVectors(vectors[i - 1], vectors[i]);
});

Deno.bench("hlcSend + hlcReceive (1000 each)", () => {
  let state = { l: 0, c: 0 };
  for (let i = 0; i < 1000; i++) {
    state = hlcSend(state, 1000 + (i >> 2));
    state = hlcReceive(state, { l: 1000 + (i >> 1), c: i & 3 }, 1000 + (i >> 2));
  }
});

function steps(count: number): ExecutionStep[] {
  const r = new Random(7);
  const kinds = ["local", "send", "deliver", "deliver"] as const;
  return Array.from({ length: count }, () => ({
    node: r.int(0, 7),
    kind: r.pick(kinds),
    target: r.int(0, 7),
  }));
}
const events500 = buildExecution(steps(500), 8);
const events2000 = buildExecution(steps(2000), 8);

Deno.bench("causalOrder, 500 events", { group: "oracle" }, () => void causalOrder(events500));
Deno.bench("causalOrder, 2000 events", { group: "oracle" }, () => void causalOrder(events2000));
Deno.bench("checkVectorClocks, 500 events (all pairs)", { group: "oracle" }, () => {
  checkVectorClocks(events500, stampEvents(events500, vectorRules));
});

for (const algorithm of ["none", "cristian", "berkeley", "ntp"]) {
  Deno.bench(
    `clock-drift ${algorithm}, defaults (4 nodes, 120 s)`,
    { group: "experiments" },
    () => {
      runExperiment("clock-drift", { algorithm }, 1);
    },
  );
}
Deno.bench(
  "causality, defaults",
  { group: "experiments" },
  () => void runExperiment("causality", {}, 1),
);
Deno.bench(
  "lww-skew, defaults (11 skews × 3 strategies × 100 writes)",
  { group: "experiments" },
  () => {
    runExperiment("lww-skew", {}, 1);
  },
);
