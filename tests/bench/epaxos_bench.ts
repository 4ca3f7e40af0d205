/**
 * EPaxos: the cost of committing commands on the simulator against Multi-Paxos with a fixed
 * leader (the baseline, in the same run), at the five wide-area sites, and the EPaxos search
 * per case.
 *
 *   deno bench -A tests/bench/epaxos_bench.ts
 */
import { runEpaxosWan, runMultiPaxosWan } from "../../src/experiments/epaxos.ts";
import { epaxosSearchTarget, search } from "../../src/check/mod.ts";

const load = { requests: 20 };

Deno.bench("Multi-Paxos, 5 WAN sites, 100 commands", { group: "wan", baseline: true }, () => {
  runMultiPaxosWan(1, "VA", load);
});
Deno.bench("EPaxos, 5 WAN sites, 100 commands, no conflicts", { group: "wan" }, () => {
  runEpaxosWan(1, 0, load);
});
Deno.bench("EPaxos, 5 WAN sites, 100 commands, all conflicting", { group: "wan" }, () => {
  runEpaxosWan(1, 100, load);
});
Deno.bench("EPaxos search, 50 cases under crashes and partitions", { group: "search" }, () => {
  search(epaxosSearchTarget(), { seed: 1, numRuns: 50 });
});
