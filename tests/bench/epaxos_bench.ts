/**
 * EPaxos: the cost of committing commands on the simulator against Multi-Paxos with a fixed
 * leader (the baseline, in the same run), at the five wide-area sites, and the EPaxos search
 * per case.
 *
 *   deno bench -A tests/bench/epaxos_bench.ts
 */
import { runEpaxosWan, runMultiPaxosWan } from "../../src/experiments/epaxos.ts";
import { epaxosSearchTarget, search } from "../../src/check/mod.ts";
import { EpaxosExecutor } from "../../src/consensus/epaxos/mod.ts";

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

// All commands conflict (one key) and each depends on the two before it, as on the slow path
// under contention. Commits arrive newest first, so every instance waits for the one below
// it: the executor's worst case, where redoing the dependency search on each commit costs
// time quadratic (or worse) in the backlog.
const CHAIN = 1000;
const chain = Array.from({ length: CHAIN }, (_, i) => ({
  id: `r${(i % 5) + 1}.${Math.floor(i / 5) + 1}`,
  seq: i + 1,
}));
const committed = chain.map(({ id, seq }, i) => ({
  id,
  attributes: {
    command: { key: "x", op: "write" as const, value: i },
    seq,
    deps: chain.slice(Math.max(0, i - 2), i).map((c) => c.id),
  },
}));
Deno.bench("Executor, 1,000 conflicting commits, newest first", { group: "executor" }, () => {
  const executor = new EpaxosExecutor();
  for (let i = CHAIN - 1; i >= 0; i--) executor.commit(committed[i].id, committed[i].attributes);
  if (executor.executed.length !== CHAIN) throw new Error("not everything executed");
});
Deno.bench("Executor, 1,000 conflicting commits, in order", { group: "executor" }, () => {
  const executor = new EpaxosExecutor();
  for (const c of committed) executor.commit(c.id, c.attributes);
  if (executor.executed.length !== CHAIN) throw new Error("not everything executed");
});
