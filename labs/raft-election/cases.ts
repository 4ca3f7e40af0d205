/**
 * The vote rule, case by case: each case is a situation from the paper with the answer Raft
 * requires, and the section that requires it. Shared by the lab test and its mutation test.
 *
 * @module
 */

import type { VoteDecision, VoteRequestView, VoteState } from "./api.ts";

interface VoteCase {
  name: string;
  state: VoteState;
  request: VoteRequestView;
  expected: VoteDecision;
}

const s = (currentTerm: number, votedFor: string | null, lastLogIndex = 0, lastLogTerm = 0) => ({
  currentTerm,
  votedFor,
  lastLogIndex,
  lastLogTerm,
});
const r = (term: number, candidateId: string, lastLogIndex = 0, lastLogTerm = 0) => ({
  term,
  candidateId,
  lastLogIndex,
  lastLogTerm,
});

/** The cases. */
export const VOTE_CASES: readonly VoteCase[] = [
  {
    name: "a first request in a new term gets the vote (§5.2)",
    state: s(1, null),
    request: r(2, "n2"),
    expected: { currentTerm: 2, votedFor: "n2", voteGranted: true },
  },
  {
    name: "a candidate from an older term is refused and nothing changes (§5.1)",
    state: s(5, null),
    request: r(4, "n2"),
    expected: { currentTerm: 5, votedFor: null, voteGranted: false },
  },
  {
    name: "a stale candidate is refused even if it once had our vote (§5.1)",
    state: s(5, "n2"),
    request: r(3, "n2"),
    expected: { currentTerm: 5, votedFor: "n2", voteGranted: false },
  },
  {
    name: "a second candidate in the same term is refused: one vote per term (§5.2)",
    state: s(3, "n1"),
    request: r(3, "n2"),
    expected: { currentTerm: 3, votedFor: "n1", voteGranted: false },
  },
  {
    name: "the same candidate asking again in the same term gets the vote again (retries)",
    state: s(3, "n2"),
    request: r(3, "n2"),
    expected: { currentTerm: 3, votedFor: "n2", voteGranted: true },
  },
  {
    name: "a newer term forgets the old vote: another candidate can win it (Figure 2)",
    state: s(3, "n1"),
    request: r(4, "n2"),
    expected: { currentTerm: 4, votedFor: "n2", voteGranted: true },
  },
  {
    name:
      "a candidate whose last entry has an older term is refused, but the term is adopted (§5.4.1)",
    state: s(3, null, 2, 3),
    request: r(4, "n2", 9, 2),
    expected: { currentTerm: 4, votedFor: null, voteGranted: false },
  },
  {
    name: "a candidate with the same last term and a shorter log is refused (§5.4.1)",
    state: s(3, null, 5, 3),
    request: r(4, "n2", 4, 3),
    expected: { currentTerm: 4, votedFor: null, voteGranted: false },
  },
  {
    name: "a candidate with a newer last term wins even with a shorter log (§5.4.1)",
    state: s(3, null, 7, 2),
    request: r(4, "n2", 3, 3),
    expected: { currentTerm: 4, votedFor: "n2", voteGranted: true },
  },
  {
    name: "a candidate with an equal log is up-to-date enough (§5.4.1)",
    state: s(3, null, 4, 3),
    request: r(3, "n2", 4, 3),
    expected: { currentTerm: 3, votedFor: "n2", voteGranted: true },
  },
  {
    name:
      "a voter that already voted this term refuses a rival even with a more up-to-date log (§5.2)",
    state: s(4, "n1", 2, 3),
    request: r(4, "n3", 5, 4),
    expected: { currentTerm: 4, votedFor: "n1", voteGranted: false },
  },
  {
    name: "a candidate with the same last term and a longer log wins the vote (§5.4.1)",
    state: s(3, null, 4, 3),
    request: r(4, "n2", 6, 3),
    expected: { currentTerm: 4, votedFor: "n2", voteGranted: true },
  },
  {
    name: "a newer term is adopted even when the vote goes to nobody: votedFor is reset (Figure 2)",
    state: s(3, "n1", 6, 3),
    request: r(5, "n2", 2, 2),
    expected: { currentTerm: 5, votedFor: null, voteGranted: false },
  },
  {
    name:
      "a voter's term may be far ahead of a candidate's: it is kept and the vote refused (§5.1)",
    state: s(9, null, 1, 1),
    request: r(8, "n2", 9, 8),
    expected: { currentTerm: 9, votedFor: null, voteGranted: false },
  },
  {
    name: "node ids are just strings: a candidate called constructor is one like any other",
    state: s(2, null),
    request: r(2, "constructor"),
    expected: { currentTerm: 2, votedFor: "constructor", voteGranted: true },
  },
];

/** Runs every case; returns one teaching line per failed case (empty when all pass). */
export function voteCaseFailures(
  rule: (state: VoteState, request: VoteRequestView) => VoteDecision,
): string[] {
  const failures: string[] = [];
  for (const c of VOTE_CASES) {
    let got: VoteDecision;
    try {
      got = rule({ ...c.state }, { ...c.request });
    } catch (error) {
      failures.push(`${c.name}: threw ${(error as Error).message}`);
      continue;
    }
    const same = got.currentTerm === c.expected.currentTerm &&
      got.votedFor === c.expected.votedFor && got.voteGranted === c.expected.voteGranted;
    if (!same) {
      failures.push(
        `${c.name}\n    voter ${JSON.stringify(c.state)}\n    request ${
          JSON.stringify(c.request)
        }\n    expected ${JSON.stringify(c.expected)}\n    got      ${JSON.stringify(got)}`,
      );
    }
  }
  return failures;
}
