/**
 * Tests of the raft-election lab. They run against `solution.ts` here and against your
 * `starter.ts` with NETSPLIT_LAB_TARGET=starter (the default when there is no solution).
 */

import { loadLab } from "../_lib/load.ts";
import { findRuleFailure, formatRuleFailure } from "../../src/check/mod.ts";
import type { VoteLab } from "./api.ts";
import { voteCaseFailures } from "./cases.ts";

const lab = await loadLab<VoteLab>(import.meta.url);

Deno.test("handleRequestVote answers each situation of Figure 2 as Raft requires", () => {
  const failures = voteCaseFailures(lab.handleRequestVote);
  if (failures.length > 0) {
    throw new Error(`${failures.length} case(s) wrong:\n- ${failures.join("\n- ")}`);
  }
});

Deno.test("Raft servers using your vote rule stay safe under faults and elect leaders afterwards", () => {
  // The fault-schedule search (fast-check): each case is a safety phase — crashes, partitions,
  // loss and, most often, isolating whoever leads — checked by the invariant monitors and a
  // linearizability check, then a liveness phase: everything healed, a leader must serve
  // clients. A failure is shrunk and ends with the `counterexample: {seed, path}` that replays it.
  const failure = findRuleFailure({ requestVote: lab.handleRequestVote }, { seeds: 12 });
  if (failure !== null) throw new Error(formatRuleFailure(failure));
});
