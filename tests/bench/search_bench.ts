/**
 * Schedules explored per second by the fault-schedule search. Each bench runs a fixed budget
 * of cases (no violation, so no shrinking): divide the case count by the time per
 * iteration to get schedules per second.
 */
import { paxosSearchTarget, raftSearchTarget, search } from "../../src/check/mod.ts";

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

Deno.bench("search: 50 cases of correct Raft (leader nemesis, linearizability)", () => {
  const result = search(raftSearchTarget(), { seed: 7, numRuns: 50 });
  if (!result.ok) throw new Error("correct Raft must survive");
});

Deno.bench("search: find and shrink Raft commit-old-term (seed 3)", () => {
  const result = search(raftSearchTarget({ variant: "commit-old-term" }), { seed: 3 });
  if (result.ok) throw new Error("Figure 8 must be caught");
});
