/**
 * Rule-level tests of Raft's decision rules (the labs' contract): each correct rule and each
 * known-broken rule on direct inputs, citing the section of Ongaro and Ousterhout (2014) it
 * checks, and fast-check properties of the correct rules. fast-check prints the `{seed, path}`
 * that replays any failure.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { LogEntry } from "./types.ts";
import {
  correctAppendRule,
  correctCommitRule,
  correctTermChangeRule,
  correctVoteAnswerTermRule,
  correctVoteRule,
  countReplicasCommitRule,
  logUpToDate,
  staleTermChangeRule,
  staleVoteAnswerTermRule,
  staleVoteRule,
  uncheckedAppendRule,
  type VoteState,
} from "./rules.ts";

const voter = (over: Partial<VoteState> = {}): VoteState => ({
  currentTerm: 2,
  votedFor: null,
  lastLogIndex: 3,
  lastLogTerm: 2,
  ...over,
});
const request = (term: number, candidateId: string, lastLogIndex = 3, lastLogTerm = 2) => ({
  term,
  candidateId,
  lastLogIndex,
  lastLogTerm,
});
const log = (...terms: number[]): LogEntry<string>[] =>
  terms.map((term, i) => ({ term, command: `c${i + 1}` }));

// --- logUpToDate (§5.4.1) ---------------------------------------------------------------------

Deno.test("logUpToDate prefers the higher last term whatever the lengths (§5.4.1)", () => {
  assert.equal(
    logUpToDate({ lastLogTerm: 3, lastLogIndex: 1 }, { lastLogTerm: 2, lastLogIndex: 9 }),
    true,
  );
  assert.equal(
    logUpToDate({ lastLogTerm: 2, lastLogIndex: 9 }, { lastLogTerm: 3, lastLogIndex: 1 }),
    false,
  );
});

Deno.test("logUpToDate with equal last terms prefers the longer log, ties included (§5.4.1)", () => {
  assert.equal(
    logUpToDate({ lastLogTerm: 2, lastLogIndex: 4 }, { lastLogTerm: 2, lastLogIndex: 3 }),
    true,
  );
  assert.equal(
    logUpToDate({ lastLogTerm: 2, lastLogIndex: 3 }, { lastLogTerm: 2, lastLogIndex: 3 }),
    true,
  );
  assert.equal(
    logUpToDate({ lastLogTerm: 2, lastLogIndex: 2 }, { lastLogTerm: 2, lastLogIndex: 3 }),
    false,
  );
});

const position = fc.record({
  lastLogTerm: fc.integer({ min: 0, max: 4 }),
  lastLogIndex: fc.integer({ min: 0, max: 4 }),
});

Deno.test("logUpToDate is a total preorder: reflexive, total and transitive", () => {
  fc.assert(
    fc.property(position, position, position, (a, b, c) => {
      assert.ok(logUpToDate(a, a), "reflexive");
      assert.ok(logUpToDate(a, b) || logUpToDate(b, a), "total");
      if (logUpToDate(a, b) && logUpToDate(b, c)) assert.ok(logUpToDate(a, c), "transitive");
    }),
    { numRuns: 500 },
  );
});

// --- the vote rule (Figure 2, RequestVote RPC; §5.2, §5.4.1) ----------------------------------

Deno.test("The correct vote rule refuses a candidate from a stale term (Figure 2, rule 1)", () => {
  const state = voter({ currentTerm: 5 });
  assert.deepEqual(correctVoteRule(state, request(4, "n2")), {
    currentTerm: 5,
    votedFor: null,
    voteGranted: false,
  });
});

Deno.test("The correct vote rule adopts a newer term and forgets the old vote (Figure 2)", () => {
  const d = correctVoteRule(voter({ votedFor: "n1" }), request(3, "n2"));
  assert.deepEqual(d, { currentTerm: 3, votedFor: "n2", voteGranted: true });
});

Deno.test("The correct vote rule votes at most once per term, but repeats a vote (§5.2)", () => {
  const state = voter({ votedFor: "n1" });
  assert.equal(correctVoteRule(state, request(2, "n2")).voteGranted, false);
  // A duplicated or retried RequestVote from the same candidate gets the same answer.
  assert.equal(correctVoteRule(state, request(2, "n1")).voteGranted, true);
});

Deno.test("The correct vote rule refuses a less up-to-date log but adopts its term (§5.4.1)", () => {
  const d = correctVoteRule(voter({ votedFor: "n1" }), request(3, "n2", 9, 1));
  assert.deepEqual(d, { currentTerm: 3, votedFor: null, voteGranted: false });
});

Deno.test("The seed's vote rule grants a stale term and keeps its vote across terms", () => {
  // Stale term: granted to the candidate it already voted for.
  const stale = staleVoteRule(voter({ currentTerm: 5, votedFor: "n2" }), request(3, "n2"));
  assert.equal(stale.voteGranted, true);
  assert.equal(stale.currentTerm, 5);
  // Newer term: the old vote still blocks a new candidate (Figure 2 would grant it).
  const newer = staleVoteRule(voter({ votedFor: "n1" }), request(3, "n2"));
  assert.deepEqual(newer, { currentTerm: 3, votedFor: "n1", voteGranted: false });
});

/** A voter's state, kept across a sequence of requests, as a node would keep it. */
function grantsPerTerm(
  rule: typeof correctVoteRule,
  requests: { term: number; candidateId: string; lastLogIndex: number; lastLogTerm: number }[],
) {
  let state = voter({ currentTerm: 0, lastLogIndex: 2, lastLogTerm: 1 });
  const grants = new Map<number, Set<string>>();
  for (const r of requests) {
    const d = rule(state, r);
    assert.ok(d.currentTerm >= state.currentTerm, "a vote never lowers the term");
    if (d.voteGranted) {
      const set = grants.get(d.currentTerm) ?? new Set();
      set.add(r.candidateId);
      grants.set(d.currentTerm, set);
    }
    state = { ...state, currentTerm: d.currentTerm, votedFor: d.votedFor };
  }
  return grants;
}

const voteRequests = fc.array(
  fc.record({
    term: fc.integer({ min: 0, max: 4 }),
    candidateId: fc.constantFrom("n1", "n2", "n3"),
    lastLogIndex: fc.integer({ min: 0, max: 3 }),
    lastLogTerm: fc.integer({ min: 0, max: 2 }),
  }),
  { maxLength: 12 },
);

Deno.test("The correct vote rule never grants two candidates in one term (Election Safety, §5.2)", () => {
  fc.assert(
    fc.property(voteRequests, (requests) => {
      for (const [term, candidates] of grantsPerTerm(correctVoteRule, requests)) {
        assert.ok(candidates.size <= 1, `term ${term}: ${[...candidates]}`);
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("With the seed's rules a candidate also votes for its rival in its own term (§5.2)", () => {
  // n1 stands in term 1 and tallies its own vote; then n2's RequestVote of term 1 arrives.
  for (
    const [name, termChange, vote, granted] of [
      ["correct", correctTermChangeRule, correctVoteRule, false],
      ["seed", staleTermChangeRule, staleVoteRule, true],
    ] as const
  ) {
    const votedFor = termChange({ self: "n1", votedFor: null, becoming: "candidate" });
    const state = voter({ currentTerm: 1, votedFor, lastLogIndex: 0, lastLogTerm: 0 });
    const d = vote(state, request(1, "n2", 0, 0));
    assert.equal(d.voteGranted, granted, `${name}: two votes in term 1 (itself and n2)`);
  }
});

// --- what a term change does to the vote (Figure 2, persistent state; §5.2) -------------------

Deno.test("On a term change the correct rule clears the vote, and a candidate records its own", () => {
  assert.equal(correctTermChangeRule({ self: "n1", votedFor: "n3", becoming: "follower" }), null);
  assert.equal(correctTermChangeRule({ self: "n1", votedFor: "n3", becoming: "candidate" }), "n1");
});

Deno.test("On a term change the seed's rule keeps the old vote and records none of its own", () => {
  assert.equal(staleTermChangeRule({ self: "n1", votedFor: "n3", becoming: "follower" }), "n3");
  assert.equal(staleTermChangeRule({ self: "n1", votedFor: "n3", becoming: "candidate" }), "n3");
  assert.equal(staleTermChangeRule({ self: "n1", votedFor: null, becoming: "candidate" }), null);
});

Deno.test("A vote answer carries the voter's term (Figure 2); the seed's, the candidate's", () => {
  const r = request(3, "n2");
  assert.equal(correctVoteAnswerTermRule({ currentTerm: 5 }, r, true), 5);
  assert.equal(correctVoteAnswerTermRule({ currentTerm: 5 }, r, false), 5);
  assert.equal(staleVoteAnswerTermRule({ currentTerm: 5 }, r, true), 3);
  assert.equal(staleVoteAnswerTermRule({ currentTerm: 5 }, r, false), 5);
});

// --- the AppendEntries rule (Figure 2, AppendEntries RPC rules 2-5; §5.3) ---------------------

Deno.test("AppendEntries refuses a too-short log and hints the first missing index (§5.3)", () => {
  const d = correctAppendRule({ log: log(1), commitIndex: 0 }, {
    prevLogIndex: 3,
    prevLogTerm: 1,
    entries: [],
    leaderCommit: 0,
  });
  assert.deepEqual([d.success, d.conflictTerm, d.conflictIndex], [false, 0, 2]);
});

Deno.test("AppendEntries refuses a term mismatch and hints the conflicting term's first index (rule 2)", () => {
  const d = correctAppendRule({ log: log(1, 2, 2, 2), commitIndex: 1 }, {
    prevLogIndex: 4,
    prevLogTerm: 3,
    entries: [],
    leaderCommit: 0,
  });
  assert.deepEqual([d.success, d.conflictTerm, d.conflictIndex], [false, 2, 2]);
  assert.equal(d.commitIndex, 1, "a refusal never changes commitIndex");
});

Deno.test("AppendEntries cuts the log at the first conflict and appends the rest (rules 3, 4)", () => {
  const d = correctAppendRule({ log: log(1, 1, 2), commitIndex: 1 }, {
    prevLogIndex: 1,
    prevLogTerm: 1,
    entries: log(1, 3),
    leaderCommit: 1,
  });
  assert.equal(d.success, true);
  assert.deepEqual(d.log.map((e) => e.term), [1, 1, 3]);
  assert.equal(d.matchIndex, 3);
});

Deno.test("AppendEntries keeps a longer matching log: a stale request must not truncate (rule 3)", () => {
  const state = { log: log(1, 1, 1), commitIndex: 0 };
  const d = correctAppendRule(state, {
    prevLogIndex: 0,
    prevLogTerm: 0,
    entries: log(1),
    leaderCommit: 0,
  });
  assert.equal(d.log, state.log, "the same array means unchanged");
  assert.equal(d.matchIndex, 1);
});

Deno.test("AppendEntries commits up to leaderCommit but not past the proven match (rule 5)", () => {
  const d = correctAppendRule({ log: log(1, 1, 9), commitIndex: 0 }, {
    prevLogIndex: 1,
    prevLogTerm: 1,
    entries: [],
    leaderCommit: 3,
  });
  assert.equal(d.commitIndex, 1, "index 3 may differ from the leader's");
});

Deno.test("The seed's AppendEntries accepts a mismatched prevLogTerm and overwrites", () => {
  const d = uncheckedAppendRule({ log: log(1, 2), commitIndex: 0 }, {
    prevLogIndex: 2,
    prevLogTerm: 3,
    entries: log(3),
    leaderCommit: 0,
  });
  assert.equal(d.success, true);
  assert.deepEqual(d.log.map((e) => e.term), [1, 2, 3], "Log Matching no longer holds");
});

const terms = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 6 }).map((ts) =>
  ts.sort((a, b) => a - b)
);

Deno.test("AppendEntries is idempotent: a duplicated request changes nothing more (§5.3)", () => {
  fc.assert(
    fc.property(
      terms,
      terms,
      fc.nat({ max: 6 }),
      fc.nat({ max: 6 }),
      (followerTerms, entryTerms, prevLogIndex, leaderCommit) => {
        const state = { log: log(...followerTerms), commitIndex: 0 };
        const req = {
          prevLogIndex,
          prevLogTerm: prevLogIndex === 0 ? 0 : followerTerms[prevLogIndex - 1] ?? 1,
          entries: log(...entryTerms),
          leaderCommit,
        };
        const once = correctAppendRule(state, req);
        const twice = correctAppendRule({ log: once.log, commitIndex: once.commitIndex }, req);
        assert.deepEqual(twice.log, once.log);
        assert.equal(twice.commitIndex, once.commitIndex);
        assert.ok(once.commitIndex <= once.log.length, "never commits past the log");
      },
    ),
    { numRuns: 500 },
  );
});

// --- the commit rule (§5.4.2, Figure 8) -------------------------------------------------------

Deno.test("The leader commits the highest current-term index on a majority (§5.4.2)", () => {
  const n = correctCommitRule({
    currentTerm: 3,
    logTerms: [1, 3, 3],
    matchIndexes: [3, 2, 0],
    commitIndex: 0,
  });
  assert.equal(n, 2, "index 2 is on two of three, index 3 on one");
});

Deno.test("The leader does not count replicas of an earlier term's entry (Figure 8)", () => {
  const state = { currentTerm: 4, logTerms: [1, 2], matchIndexes: [2, 2, 0], commitIndex: 1 };
  assert.equal(correctCommitRule(state), 1);
  assert.equal(countReplicasCommitRule(state), 2, "the Figure 8 mistake");
});

Deno.test("The commit rule never lowers commitIndex and commits only majority current-term entries", () => {
  fc.assert(
    fc.property(
      terms,
      fc.array(fc.nat({ max: 6 }), { minLength: 1, maxLength: 5 }),
      fc.nat({ max: 6 }),
      (logTerms, matches, commit) => {
        const commitIndex = Math.min(commit, logTerms.length);
        const currentTerm = Math.max(0, ...logTerms);
        const matchIndexes = matches.map((m) => Math.min(m, logTerms.length));
        const n = correctCommitRule({ currentTerm, logTerms, matchIndexes, commitIndex });
        assert.ok(n >= commitIndex, "never lowers commitIndex");
        if (n > commitIndex) {
          assert.equal(logTerms[n - 1], currentTerm, "only a current-term entry");
          assert.ok(matchIndexes.filter((m) => m >= n).length * 2 > matchIndexes.length);
        }
      },
    ),
    { numRuns: 500 },
  );
});
