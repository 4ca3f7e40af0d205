/**
 * The fault-schedule search: cases explored per second, and cases needed to find each broken
 * variant. Each throughput bench runs a fixed budget of cases (no violation, so no shrinking):
 * divide the case count by the time per iteration to get schedules per second.
 *
 * Run: `deno bench -A tests/bench/search_bench.ts`. With `SEARCH_BUDGET=1` it first prints, for
 * every broken variant and nemesis, the cases needed to find it over search seeds 1–10 (median,
 * max) and fails if any seed needs more than the default budget.
 */
import {
  NEMESIS_KINDS,
  type NemesisKind,
  paxosSearchTarget,
  RAFT_NEMESES,
  type RaftNemesis,
  raftSearchTarget,
  search,
  type SearchTarget,
} from "../../src/check/mod.ts";
import type { Message } from "../../src/sim/mod.ts";

const CASES = 200;

for (const protocol of ["single", "multi"] as const) {
  Deno.bench(`search: ${CASES} cases of correct ${protocol} Paxos`, () => {
    const result = search(paxosSearchTarget({ protocol }), { seed: 7, numRuns: CASES });
    if (!result.ok) throw new Error("correct Paxos must survive");
  });
}

Deno.bench("search: find and shrink forget-accepted (multi, seed 1)", () => {
  const result = search(paxosSearchTarget({ variant: "forget-accepted" }), { seed: 1 });
  if (result.ok) throw new Error("the broken variant must be caught");
});

for (const nemesis of Object.keys(RAFT_NEMESES) as RaftNemesis[]) {
  Deno.bench(`search: 50 cases of correct Raft (${nemesis} nemesis, linearizability)`, () => {
    const result = search(raftSearchTarget({ nemesis }), { seed: 7, numRuns: 50 });
    if (!result.ok) throw new Error("correct Raft must survive");
  });
  Deno.bench(`search: find and shrink Raft commit-old-term (${nemesis} nemesis, seed 3)`, () => {
    const result = search(raftSearchTarget({ variant: "commit-old-term", nemesis }), { seed: 3 });
    if (result.ok) throw new Error("Figure 8 must be caught");
  });
}

/** Cases to the first violation on search seeds 1..10, without shrinking. */
function casesToFind<M extends Message>(target: () => SearchTarget<M>): number[] {
  return Array.from({ length: 10 }, (_, i) => {
    const result = search(target(), { seed: i + 1, shrink: false });
    return result.ok ? Infinity : result.numRuns;
  });
}

if (Deno.env.get("SEARCH_BUDGET") === "1") {
  const rows: [string, () => number[]][] = [];
  for (const variant of ["no-prev-log-check", "stale-vote", "commit-old-term"] as const) {
    for (const nemesis of Object.keys(RAFT_NEMESES) as RaftNemesis[]) {
      rows.push([
        `raft ${variant}, ${nemesis}`,
        () => casesToFind(() => raftSearchTarget({ variant, nemesis })),
      ]);
    }
  }
  const paxosNemeses: [string, readonly NemesisKind[] | undefined][] = [
    ["default", undefined],
    ["every verb", NEMESIS_KINDS],
  ];
  for (const [name, kinds] of paxosNemeses) {
    for (const protocol of ["single", "multi"] as const) {
      // Single-decree Paxos has no leader to aim at.
      if (protocol === "single" && kinds !== undefined) continue;
      rows.push([
        `paxos ${protocol} forget-accepted, ${name}`,
        () =>
          casesToFind(() =>
            paxosSearchTarget({ protocol, variant: "forget-accepted", faultKinds: kinds })
          ),
      ]);
    }
  }
  for (const [name, measure] of rows) {
    const runs = measure();
    const sorted = [...runs].sort((a, b) => a - b);
    console.log(`${name}: median ${sorted[4]}, max ${sorted[9]} (${runs.join(" ")})`);
    if (!Number.isFinite(sorted[9])) throw new Error(`${name}: a seed found nothing`);
  }
}
