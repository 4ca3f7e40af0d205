/**
 * Partitioning: lookups per scheme (10 000 keys on 10 nodes), mod-N as the baseline of each
 * group, and the cost of building a ring as points per node grow.
 *
 *   deno bench -A tests/bench/partitioning_bench.ts
 */
import {
  hashRingPartitioner,
  jumpHashPartitioner,
  modNPartitioner,
  murmur3,
  rangesFromSample,
  rendezvousPartitioner,
} from "../../src/partitioning/mod.ts";

const nodes = Array.from({ length: 10 }, (_, i) => `n${i + 1}`);
const keys = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);
const schemes = {
  "mod-N": modNPartitioner(nodes),
  "jump": jumpHashPartitioner(nodes),
  "rendezvous": rendezvousPartitioner(nodes),
  "ring, 100 points per node": hashRingPartitioner(nodes, { pointsPerNode: 100 }),
  "range (10 ranges)": rangesFromSample(keys, nodes),
};

Deno.bench("murmur3 alone (10 000 keys)", { group: "lookup" }, () => {
  for (const key of keys) murmur3(key);
});

for (const [name, partitioner] of Object.entries(schemes)) {
  Deno.bench(
    `locate with ${name} (10 000 keys)`,
    { group: "lookup", baseline: name === "mod-N" },
    () => {
      for (const key of keys) partitioner.locate(key);
    },
  );
}

for (const k of [10, 100, 1000]) {
  Deno.bench(
    `build a ring of 10 nodes × ${k} points`,
    { group: "ring build", baseline: k === 10 },
    () => {
      hashRingPartitioner(nodes, { pointsPerNode: k });
    },
  );
}
