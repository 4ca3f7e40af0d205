/**
 * Raft in simulation: election trials per second (one Figure 16 trial = a leader crash and the
 * election after it), committed client operations per second of wall time, and checked runs
 * per second (a cluster under a random fault schedule with all four invariant monitors).
 *
 * Run: `deno bench -A tests/bench/raft_bench.ts`
 */

import { createRaftCluster } from "../../src/consensus/mod.ts";
import fc from "fast-check";
import { faultSchedule, runCheckedRaft } from "../../src/check/mod.ts";
import type { Fault } from "../../src/sim/mod.ts";
import { electionTrial } from "../../src/experiments/raft_election.ts";
import { runExperiment } from "../../src/experiments/mod.ts";

Deno.bench("raft: 100 election trials (5 servers, 150–300 ms)", { group: "elections" }, () => {
  for (let seed = 1; seed <= 100; seed++) {
    electionTrial(seed, { servers: 5, timeoutMinMs: 150, timeoutMaxMs: 300 });
  }
});

Deno.bench("raft: 100 election trials (5 servers, 150–151 ms, many split votes)", {
  group: "elections",
}, () => {
  for (let seed = 1; seed <= 100; seed++) {
    electionTrial(seed, { servers: 5, timeoutMinMs: 150, timeoutMaxMs: 151 });
  }
});

Deno.bench("raft: 1000 committed client operations (3 servers, 5 clients, no faults)", {
  group: "throughput",
}, () => {
  const { sim } = createRaftCluster({ seed: 1, clients: 5, operations: 200, trace: "off" });
  sim.run({ untilMs: 60_000 });
  const done = sim.history.filter((op) => op.type === "ok" || op.type === "fail").length;
  if (done !== 1000) throw new Error(`expected 1000 completed operations, got ${done}`);
});

Deno.bench("raft: one checked 4.5 s run under random faults (3 servers, 3 clients)", {
  group: "checked",
}, () => {
  const kinds = ["crash", "partition", "loss"] as const;
  const arbitrary = faultSchedule(["n1", "n2", "n3"], { horizonMs: 4000, kinds });
  const faults = fc.sample(arbitrary, { seed: 3, numRuns: 1 })[0] as Fault[];
  runCheckedRaft({ seed: 3, clients: 3, operations: 20, faults, untilMs: 4500 });
});

Deno.bench("raft-election: Figure 16, ten ranges x 100 trials", { group: "experiment" }, () => {
  runExperiment("raft-election", { ranges: "paper", trials: 100 }, 1);
});
