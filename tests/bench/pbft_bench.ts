/**
 * PBFT: the cost of ordering client requests on the simulator against Raft (the baseline, in
 * the same run), at n = 4 and n = 7, and the PBFT search per case.
 *
 *   deno bench -A tests/bench/pbft_bench.ts
 */
import { runPbftCluster, runRaftForComparison } from "../../src/experiments/pbft.ts";
import { pbftSearchTarget, search } from "../../src/check/mod.ts";

const load = { clients: 2, requests: 20, latencyMaxMs: 5 };

for (const n of [4, 7]) {
  Deno.bench(`Raft, ${n} servers, 40 requests`, { group: `n=${n}`, baseline: true }, () => {
    runRaftForComparison(n, 1, load);
  });
  Deno.bench(`PBFT, ${n} replicas, 40 requests`, { group: `n=${n}` }, () => {
    runPbftCluster(n, 1, load);
  });
}

Deno.bench("PBFT, 4 replicas, one equivocating primary, 40 requests", { group: "faults" }, () => {
  runPbftCluster(4, 1, { ...load, byzantine: 1, behaviour: "equivocate" });
});

Deno.bench("PBFT search, 20 cases with one equivocating primary", { group: "search" }, () => {
  search(pbftSearchTarget({ maxOps: 4 }), { seed: 1, numRuns: 20 });
});
