/**
 * Tests of the raft-log lab. They run against `solution.ts` here and against your `starter.ts`
 * with NETSPLIT_LAB_TARGET=starter (the default when there is no solution).
 */

import { loadLab } from "../_lib/load.ts";
import {
  figure8Schedule,
  findRuleFailure,
  formatRuleFailure,
  laggingFollowerSchedule,
} from "../../src/check/mod.ts";
import type { LogLab } from "./api.ts";
import { appendCaseFailures, commitCaseFailures } from "./cases.ts";

const lab = await loadLab<LogLab>(import.meta.url);

function report(failures: string[]): void {
  if (failures.length > 0) {
    throw new Error(`${failures.length} case(s) wrong:\n- ${failures.join("\n- ")}`);
  }
}

Deno.test("handleAppendEntries follows rules 2–5 of Figure 2, case by case", () => {
  report(appendCaseFailures(lab.handleAppendEntries));
});

Deno.test("advanceCommitIndex commits by majority, current term only (§5.4.2), case by case", () => {
  report(commitCaseFailures(lab.advanceCommitIndex));
});

Deno.test("Raft servers using your rules keep their logs safe under faults, Figure 8 included", () => {
  // Two hand-made fixtures first (a lagging follower, the paper's Figure 8), then generated
  // schedules of the search's mixed nemesis; invariants and linearizability, then liveness
  // after healing. A failure ends with the `counterexample: {seed, path}` that replays it.
  const failure = findRuleFailure(
    { appendEntries: lab.handleAppendEntries, commit: lab.advanceCommitIndex },
    { seeds: 12, schedules: [laggingFollowerSchedule(1), figure8Schedule(1)] },
  );
  if (failure !== null) throw new Error(formatRuleFailure(failure));
});
