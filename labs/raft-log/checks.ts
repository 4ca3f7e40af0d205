/**
 * The raft-log lab's checks, in the order they run: both rules case by case (fast, each
 * failure names the paper's rule), then the rules inside real Raft servers: the paper's
 * scenarios (a lagging follower, Figure 8), then the fault search on three servers and on
 * five. Shared by the lab's test (against your file) and its mutation battery.
 *
 * @module
 */

import type { LabCheck } from "../_lib/checks.ts";
import {
  figure8Schedule,
  findRuleFailure,
  formatRuleFailure,
  laggingFollowerSchedule,
} from "../../src/check/mod.ts";
import type { LogLab } from "./api.ts";
import { appendCaseFailures, commitCaseFailures } from "./cases.ts";

/** Generated fault schedules per cluster size (the paper's scenarios run first). */
export const LOG_SEARCH = { threeServers: 200, fiveServers: 150 } as const;

function report(failures: string[]): void {
  if (failures.length > 0) {
    throw new Error(`${failures.length} case(s) wrong:\n- ${failures.join("\n- ")}`);
  }
}

function onCluster(lab: LogLab, options: Parameters<typeof findRuleFailure>[1]): void {
  // Invariant monitors (Log Matching, Leader Completeness, State Machine Safety) and a
  // linearizability check of the clients' history, then liveness after healing. A failure
  // ends with the `counterexample: {seed, path}` that replays it.
  const failure = findRuleFailure(
    { appendEntries: lab.handleAppendEntries, commit: lab.advanceCommitIndex },
    options,
  );
  if (failure !== null) throw new Error(formatRuleFailure(failure));
}

/** The checks. */
export const LOG_CHECKS: readonly LabCheck<LogLab>[] = [
  {
    name: "handleAppendEntries follows rules 2–5 of Figure 2, case by case",
    run: (lab) => report(appendCaseFailures(lab.handleAppendEntries)),
  },
  {
    name: "advanceCommitIndex commits by majority, current term only (§5.4.2), case by case",
    run: (lab) => report(commitCaseFailures(lab.advanceCommitIndex)),
  },
  {
    name: "Raft servers using your rules survive a lagging follower and Figure 8 (§5.3, §5.4.2)",
    run: (lab) =>
      onCluster(lab, { seeds: 0, schedules: [laggingFollowerSchedule(1), figure8Schedule(1)] }),
  },
  {
    name: "three Raft servers using your rules keep their logs safe under generated faults",
    run: (lab) => onCluster(lab, { seeds: LOG_SEARCH.threeServers, servers: [3] }),
  },
  {
    name: "five Raft servers using your rules keep their logs safe under generated faults",
    run: (lab) => onCluster(lab, { seeds: LOG_SEARCH.fiveServers, servers: [5] }),
  },
];
