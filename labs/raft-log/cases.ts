/**
 * The AppendEntries and commit rules, case by case: situations from the paper with the answer
 * Raft requires and the section that requires it. Shared by the lab test and its mutation test.
 *
 * @module
 */

import type {
  AppendDecision,
  AppendRequestView,
  AppendState,
  CommitState,
  LogEntry,
} from "./api.ts";

/** A log from terms; each entry's command names its index and term, e.g. `3@2`. */
const log = (...terms: number[]): LogEntry<string>[] =>
  terms.map((term, i) => ({ term, command: `${i + 1}@${term}` }));
/** Entries a leader sends, starting at `index`. */
const sent = (index: number, ...terms: number[]): LogEntry<string>[] =>
  terms.map((term, i) => ({ term, command: `${index + i}@${term}` }));

interface AppendCase {
  name: string;
  state: AppendState<string>;
  request: AppendRequestView<string>;
  expected: Partial<AppendDecision<string>>;
}

/** The AppendEntries cases. */
export const APPEND_CASES: readonly AppendCase[] = [
  {
    name: "a matching heartbeat is accepted and commits up to leaderCommit (rules 2, 5)",
    state: { log: log(1, 1), commitIndex: 0 },
    request: { prevLogIndex: 2, prevLogTerm: 1, entries: [], leaderCommit: 2 },
    expected: { success: true, log: log(1, 1), commitIndex: 2, matchIndex: 2 },
  },
  {
    name: "a log too short for prevLogIndex is refused; conflictIndex is its length + 1 (§5.3)",
    state: { log: log(1), commitIndex: 0 },
    request: { prevLogIndex: 3, prevLogTerm: 1, entries: sent(4, 1), leaderCommit: 0 },
    expected: { success: false, log: log(1), conflictTerm: 0, conflictIndex: 2 },
  },
  {
    name:
      "a different term at prevLogIndex is refused, naming that term and where it starts (§5.3)",
    state: { log: log(1, 2, 2, 2), commitIndex: 1 },
    request: { prevLogIndex: 4, prevLogTerm: 3, entries: sent(5, 3), leaderCommit: 1 },
    expected: { success: false, log: log(1, 2, 2, 2), conflictTerm: 2, conflictIndex: 2 },
  },
  {
    name: "entries are appended right after prevLogIndex (rule 4)",
    state: { log: log(1), commitIndex: 0 },
    request: { prevLogIndex: 1, prevLogTerm: 1, entries: sent(2, 1, 2), leaderCommit: 0 },
    expected: { success: true, log: log(1, 1, 2), matchIndex: 3 },
  },
  {
    name: "the first entry of an empty log goes after prevLogIndex 0 (rule 2 passes trivially)",
    state: { log: [], commitIndex: 0 },
    request: { prevLogIndex: 0, prevLogTerm: 0, entries: sent(1, 1), leaderCommit: 0 },
    expected: { success: true, log: log(1), matchIndex: 1 },
  },
  {
    name: "a conflicting suffix is cut and replaced by the leader's entries (rule 3, Figure 7)",
    state: { log: log(1, 2, 2), commitIndex: 1 },
    request: { prevLogIndex: 1, prevLogTerm: 1, entries: sent(2, 3), leaderCommit: 1 },
    expected: { success: true, log: [...log(1), ...sent(2, 3)], matchIndex: 2 },
  },
  {
    name: "a late duplicate of an older AppendEntries does not cut newer entries (rule 3)",
    state: { log: log(1, 1, 1), commitIndex: 0 },
    request: { prevLogIndex: 0, prevLogTerm: 0, entries: sent(1, 1), leaderCommit: 0 },
    expected: { success: true, log: log(1, 1, 1), matchIndex: 1 },
  },
  {
    name: "commitIndex stops at the last new entry, not at the end of the log (rule 5)",
    state: { log: log(1, 1, 1, 1), commitIndex: 0 },
    request: { prevLogIndex: 1, prevLogTerm: 1, entries: [], leaderCommit: 4 },
    expected: { success: true, commitIndex: 1, matchIndex: 1 },
  },
  {
    name: "commitIndex never goes backwards (a delayed message carries an old leaderCommit)",
    state: { log: log(1, 1, 1), commitIndex: 3 },
    request: { prevLogIndex: 1, prevLogTerm: 1, entries: [], leaderCommit: 1 },
    expected: { success: true, commitIndex: 3 },
  },
  {
    name: "a heartbeat (no entries) whose prevLogTerm differs is refused too (rule 2, §5.3)",
    state: { log: log(1, 2, 2), commitIndex: 1 },
    request: { prevLogIndex: 3, prevLogTerm: 3, entries: [], leaderCommit: 3 },
    expected: { success: false, log: log(1, 2, 2), commitIndex: 1, conflictTerm: 2 },
  },
  {
    name: "a heartbeat beyond the end of the log is refused (rule 2, §5.3)",
    state: { log: log(1), commitIndex: 1 },
    request: { prevLogIndex: 4, prevLogTerm: 2, entries: [], leaderCommit: 4 },
    expected: { success: false, log: log(1), commitIndex: 1, conflictIndex: 2 },
  },
  {
    name: "the check looks at the entry AT prevLogIndex, not the one after it (rule 2)",
    state: { log: log(1, 2), commitIndex: 0 },
    request: { prevLogIndex: 1, prevLogTerm: 1, entries: sent(2, 3), leaderCommit: 0 },
    expected: { success: true, log: [...log(1), ...sent(2, 3)], matchIndex: 2 },
  },
  {
    name: "entries matching the log already are kept, and new ones after them appended (rule 4)",
    state: { log: log(1, 1), commitIndex: 0 },
    request: { prevLogIndex: 0, prevLogTerm: 0, entries: sent(1, 1, 1, 2), leaderCommit: 0 },
    expected: { success: true, log: [...log(1, 1), ...sent(3, 2)], matchIndex: 3 },
  },
];

interface CommitCase {
  name: string;
  state: CommitState;
  expected: number;
}

/** The commit cases. */
export const COMMIT_CASES: readonly CommitCase[] = [
  {
    name: "an entry of the current term held by a majority is committed (§5.3)",
    state: { currentTerm: 2, logTerms: [1, 2, 2], matchIndexes: [3, 3, 1], commitIndex: 1 },
    expected: 3,
  },
  {
    name: "Figure 8: an earlier term's entry on a majority is NOT committed by counting (§5.4.2)",
    state: { currentTerm: 4, logTerms: [1, 2], matchIndexes: [2, 2, 1], commitIndex: 1 },
    expected: 1,
  },
  {
    name: "Figure 8, one term apart: a term-3 leader does not count replicas of a term-2 entry",
    state: { currentTerm: 3, logTerms: [1, 2], matchIndexes: [2, 2, 1], commitIndex: 1 },
    expected: 1,
  },
  {
    name: "it commits together with a current-term entry after it (§5.4.2)",
    state: { currentTerm: 4, logTerms: [1, 2, 4], matchIndexes: [3, 3, 1], commitIndex: 1 },
    expected: 3,
  },
  {
    name: "the highest index held by a majority (3 of 5 hold index 2, only 2 hold index 3)",
    state: { currentTerm: 2, logTerms: [2, 2, 2], matchIndexes: [3, 2, 3, 1, 0], commitIndex: 0 },
    expected: 2,
  },
  {
    name: "two of five servers are not a majority",
    state: { currentTerm: 2, logTerms: [2, 2], matchIndexes: [2, 2, 0, 0, 0], commitIndex: 0 },
    expected: 0,
  },
  {
    name: "half of four servers is not a majority",
    state: { currentTerm: 1, logTerms: [1], matchIndexes: [1, 1, 0, 0], commitIndex: 0 },
    expected: 0,
  },
  {
    name: "commitIndex never goes backwards",
    state: { currentTerm: 3, logTerms: [3, 3], matchIndexes: [1, 1, 1], commitIndex: 2 },
    expected: 2,
  },
  {
    name: "three of five servers are a majority: the rule must not assume three servers",
    state: { currentTerm: 2, logTerms: [2, 2], matchIndexes: [2, 2, 2, 0, 0], commitIndex: 0 },
    expected: 2,
  },
  {
    name: "every matchIndex counts toward the majority, the leader's own included",
    state: { currentTerm: 3, logTerms: [3], matchIndexes: [0, 1, 1], commitIndex: 0 },
    expected: 1,
  },
  {
    name: "an index past a current-term entry held by a majority is not committed by it",
    state: { currentTerm: 2, logTerms: [2, 2, 2], matchIndexes: [3, 2, 1], commitIndex: 0 },
    expected: 2,
  },
];

function describe(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      Array.isArray(v) && v.every((e) => typeof e === "object" && e !== null && "term" in e)
        ? v.map((e) => `${e.term}:${e.command}`).join(" ")
        : v,
  );
}

/** Runs the AppendEntries cases; one teaching line per failed case. */
export function appendCaseFailures(
  rule: (state: AppendState<string>, request: AppendRequestView<string>) => AppendDecision<string>,
): string[] {
  const failures: string[] = [];
  for (const c of APPEND_CASES) {
    let got: AppendDecision<string>;
    try {
      got = rule({ log: [...c.state.log], commitIndex: c.state.commitIndex }, { ...c.request });
    } catch (error) {
      failures.push(`${c.name}: threw ${(error as Error).message}`);
      continue;
    }
    const wrong = Object.entries(c.expected).filter(([key, value]) =>
      describe(got[key as keyof AppendDecision<string>]) !== describe(value)
    );
    if (wrong.length > 0) {
      failures.push(
        `${c.name}\n    follower ${describe(c.state)}\n    request ${describe(c.request)}\n` +
          wrong.map(([key, value]) =>
            `    ${key}: expected ${describe(value)}, got ${
              describe(got[key as keyof AppendDecision<string>])
            }`
          ).join("\n"),
      );
    }
  }
  return failures;
}

/** Runs the commit cases; one teaching line per failed case. */
export function commitCaseFailures(rule: (state: CommitState) => number): string[] {
  const failures: string[] = [];
  for (const c of COMMIT_CASES) {
    const got = rule({ ...c.state });
    if (got !== c.expected) {
      failures.push(
        `${c.name}\n    leader ${JSON.stringify(c.state)}\n    expected ${c.expected}, got ${got}`,
      );
    }
  }
  return failures;
}
