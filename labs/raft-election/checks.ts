/**
 * The raft-election lab's checks, in the order they run: the rule case by case (fast, and
 * each failure names the paper's section), then the rule inside real Raft servers under the
 * fault search, on three servers and then on five, where some wrong rules only show. Shared
 * by the lab's test (against your file) and its mutation battery (against wrong solutions).
 *
 * @module
 */

import type { LabCheck } from "../_lib/checks.ts";
import { findRuleFailure, formatRuleFailure } from "../../src/check/mod.ts";
import type { VoteLab } from "./api.ts";
import { voteCaseFailures } from "./cases.ts";

/**
 * Generated fault schedules per cluster size. A vote rule that is wrong only when a voter
 * sees two rivals of one term with different logs needs five servers and a few hundred
 * schedules to show (the search finds the "second vote for a better log" mistake at its 220th
 * five-server schedule), so five servers get most of the budget.
 */
export const ELECTION_SEARCH = { threeServers: 60, fiveServers: 300 } as const;

function search(lab: VoteLab, servers: number, seeds: number): void {
  // The fault-schedule search (fast-check): each case is a safety phase — crashes,
  // partitions, loss and, most often, isolating whoever leads — checked by the invariant
  // monitors and a linearizability check, then a liveness phase: everything healed, a leader
  // must serve clients. A failure is shrunk and ends with the `counterexample: {seed, path}`
  // that replays it.
  const failure = findRuleFailure({ requestVote: lab.handleRequestVote }, {
    seeds,
    servers: [servers],
  });
  if (failure !== null) throw new Error(formatRuleFailure(failure));
}

/** The checks. */
export const ELECTION_CHECKS: readonly LabCheck<VoteLab>[] = [
  {
    name: "handleRequestVote answers each situation of Figure 2 as Raft requires",
    run(lab) {
      const failures = voteCaseFailures(lab.handleRequestVote);
      if (failures.length > 0) {
        throw new Error(`${failures.length} case(s) wrong:\n- ${failures.join("\n- ")}`);
      }
    },
  },
  {
    name:
      "three Raft servers using your vote rule stay safe under faults and elect leaders afterwards",
    run: (lab) => search(lab, 3, ELECTION_SEARCH.threeServers),
  },
  {
    name:
      "five Raft servers using your vote rule stay safe under faults and elect leaders afterwards",
    run: (lab) => search(lab, 5, ELECTION_SEARCH.fiveServers),
  },
];
