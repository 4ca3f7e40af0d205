/**
 * Raft's decision rules as pure functions over plain data: how a server answers RequestVote
 * (§5.2, §5.4.1), what becomes of its vote when its own term moves (Figure 2), which term its
 * vote answers carry, how a follower answers AppendEntries (§5.3) and how a leader advances its
 * commitIndex (§5.4.2). {@linkcode RaftNode} calls them; the known-broken variants are other
 * rules, and the labs ask learners to write their own and plug them in through the node's
 * `rules` option.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import type { LogEntry } from "./types.ts";

/** What the vote rule sees of the voter. */
export interface VoteState {
  /** The voter's latest term. */
  currentTerm: number;
  /** Whom it voted for in currentTerm, or null. */
  votedFor: NodeId | null;
  /** Index of its last log entry (0 when empty). */
  lastLogIndex: number;
  /** Term of its last log entry (0 when empty). */
  lastLogTerm: number;
}

/** What the vote rule sees of the request. */
export interface VoteRequestView {
  /** The candidate's term. */
  term: number;
  /** The candidate. */
  candidateId: NodeId;
  /** Index of the candidate's last log entry. */
  lastLogIndex: number;
  /** Term of the candidate's last log entry. */
  lastLogTerm: number;
}

/**
 * Raft §5.4.1: a candidate's log is at least as up-to-date as the voter's when its last term is
 * higher, or the terms are equal and it is at least as long. Votes and pre-votes both use it.
 *
 * @example
 * ```ts
 * import { logUpToDate } from "./rules.ts";
 * logUpToDate({ lastLogTerm: 3, lastLogIndex: 1 }, { lastLogTerm: 2, lastLogIndex: 9 }); // true
 * ```
 */
export function logUpToDate(
  candidate: { lastLogTerm: number; lastLogIndex: number },
  voter: { lastLogTerm: number; lastLogIndex: number },
): boolean {
  return candidate.lastLogTerm !== voter.lastLogTerm
    ? candidate.lastLogTerm > voter.lastLogTerm
    : candidate.lastLogIndex >= voter.lastLogIndex;
}

/** The voter's new persistent state and its answer. */
export interface VoteDecision {
  /** The voter's term after the request (persisted). */
  currentTerm: number;
  /** The voter's vote after the request (persisted). */
  votedFor: NodeId | null;
  /** The answer. */
  voteGranted: boolean;
}

/** Decides a RequestVote. */
export type VoteRule = (state: VoteState, request: VoteRequestView) => VoteDecision;

/**
 * The vote rule of Figure 2: adopt a newer term (forgetting the old vote), refuse stale
 * terms, vote at most once per term, and only for an at-least-as-up-to-date log (§5.4.1).
 *
 * @example
 * ```ts
 * import { correctVoteRule } from "./rules.ts";
 * const d = correctVoteRule(
 *   { currentTerm: 2, votedFor: "n1", lastLogIndex: 3, lastLogTerm: 2 },
 *   { term: 3, candidateId: "n2", lastLogIndex: 3, lastLogTerm: 2 },
 * );
 * if (!d.voteGranted || d.votedFor !== "n2" || d.currentTerm !== 3) throw new Error("new term, new vote");
 * ```
 */
export const correctVoteRule: VoteRule = (state, request) => {
  if (request.term < state.currentTerm) {
    return { currentTerm: state.currentTerm, votedFor: state.votedFor, voteGranted: false };
  }
  const newTerm = request.term > state.currentTerm;
  const currentTerm = request.term;
  const votedFor = newTerm ? null : state.votedFor;
  const upToDate = logUpToDate(request, state);
  const voteGranted = (votedFor === null || votedFor === request.candidateId) && upToDate;
  return { currentTerm, votedFor: voteGranted ? request.candidateId : votedFor, voteGranted };
};

/** What the AppendEntries rule sees of the follower (its term check is already done). */
export interface AppendState<C = unknown> {
  /** The follower's log, index 1 first. */
  log: readonly LogEntry<C>[];
  /** The follower's commitIndex. */
  commitIndex: number;
}

/** What the AppendEntries rule sees of the request. */
export interface AppendRequestView<C = unknown> {
  /** Index of the entry just before the new ones. */
  prevLogIndex: number;
  /** Term of the entry at prevLogIndex. */
  prevLogTerm: number;
  /** Entries to store, for indexes prevLogIndex + 1 on. */
  entries: readonly LogEntry<C>[];
  /** The leader's commitIndex. */
  leaderCommit: number;
}

/** The follower's new log and commitIndex, and its answer with the fast-backup hints. */
export interface AppendDecision<C = unknown> {
  /** Whether the consistency check passed. */
  success: boolean;
  /** The new log; returning the given array itself means "unchanged". */
  log: readonly LogEntry<C>[];
  /** The follower's new commitIndex (never lower than before). */
  commitIndex: number;
  /** On success, the last index known to match the leader's log. */
  matchIndex: number;
  /** On failure, the term at prevLogIndex (0 when the log is too short). */
  conflictTerm: number;
  /** On failure, the first index of conflictTerm (or the log length + 1). */
  conflictIndex: number;
}

/** Decides an AppendEntries from the current leader. */
export type AppendRule = <C>(
  state: AppendState<C>,
  request: AppendRequestView<C>,
) => AppendDecision<C>;

/**
 * The AppendEntries receiver rules 2–5 of Figure 2, with the fast-backup hints of §5.3.
 *
 * @example
 * ```ts
 * import { correctAppendRule } from "./rules.ts";
 * const d = correctAppendRule(
 *   { log: [{ term: 1, command: "a" }], commitIndex: 0 },
 *   { prevLogIndex: 2, prevLogTerm: 1, entries: [], leaderCommit: 0 },
 * );
 * if (d.success || d.conflictIndex !== 2) throw new Error("too short: retry from index 2");
 * ```
 */
export const correctAppendRule: AppendRule = (state, request) => {
  const log = state.log;
  const reject = (conflictTerm: number, conflictIndex: number) => ({
    success: false,
    log,
    commitIndex: state.commitIndex,
    matchIndex: 0,
    conflictTerm,
    conflictIndex,
  });
  // Rule 2: the log must hold an entry at prevLogIndex whose term is prevLogTerm.
  if (request.prevLogIndex > log.length) return reject(0, log.length + 1);
  if (request.prevLogIndex > 0) {
    const term = log[request.prevLogIndex - 1].term;
    if (term !== request.prevLogTerm) {
      let first = request.prevLogIndex;
      while (first > 1 && log[first - 2].term === term) first--;
      return reject(term, first);
    }
  }
  // Rules 3 and 4: keep matching entries, cut at the first conflict, append the rest.
  let next = log;
  for (let i = 0; i < request.entries.length; i++) {
    const index = request.prevLogIndex + 1 + i;
    if (index <= log.length && log[index - 1].term === request.entries[i].term) continue;
    next = [...log.slice(0, index - 1), ...request.entries.slice(i)];
    break;
  }
  const matchIndex = request.prevLogIndex + request.entries.length;
  // Rule 5: commit up to leaderCommit, but never past what this request proved matches.
  const commitIndex = Math.max(state.commitIndex, Math.min(request.leaderCommit, matchIndex));
  return { success: true, log: next, commitIndex, matchIndex, conflictTerm: 0, conflictIndex: 0 };
};

/** What the leader's commit rule sees. */
export interface CommitState {
  /** The leader's term. */
  currentTerm: number;
  /** The terms of the leader's log, index 1 first. */
  logTerms: readonly number[];
  /** matchIndex of every server, the leader's own (its last index) included. */
  matchIndexes: readonly number[];
  /** The leader's commitIndex. */
  commitIndex: number;
}

/** Returns the leader's new commitIndex. */
export type CommitRule = (state: CommitState) => number;

/**
 * §5.4.2: the highest N > commitIndex stored on a majority whose entry is of the current term;
 * entries of earlier terms commit only indirectly (Figure 8).
 *
 * @example
 * ```ts
 * import { correctCommitRule } from "./rules.ts";
 * // Index 2 (term 2) is on all three servers, but the leader is in term 4: not committed.
 * const n = correctCommitRule({ currentTerm: 4, logTerms: [1, 2], matchIndexes: [2, 2, 2], commitIndex: 1 });
 * if (n !== 1) throw new Error("Figure 8");
 * ```
 */
export const correctCommitRule: CommitRule = (state) => {
  for (let n = state.logTerms.length; n > state.commitIndex; n--) {
    if (state.logTerms[n - 1] !== state.currentTerm) break;
    const replicas = state.matchIndexes.filter((m) => m >= n).length;
    if (replicas * 2 > state.matchIndexes.length) return n;
  }
  return state.commitIndex;
};

/** A server's own term change: it adopts a newer term as follower, or stands as candidate. */
export interface TermChange {
  /** This server. */
  self: NodeId;
  /** Its vote before the change. */
  votedFor: NodeId | null;
  /** The role it takes in the new term. */
  becoming: "follower" | "candidate";
}

/** Returns the vote a server holds (and persists) in its new term. */
export type TermChangeRule = (change: TermChange) => NodeId | null;

/**
 * Figure 2: votedFor belongs to currentTerm, so a follower adopting a newer term starts with no
 * vote, and a candidate votes for itself (§5.2: "votes for itself") durably, so that after a
 * restart it cannot also vote for a rival in the same term.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correctTermChangeRule } from "./rules.ts";
 * assert.equal(correctTermChangeRule({ self: "n1", votedFor: "n2", becoming: "follower" }), null);
 * assert.equal(correctTermChangeRule({ self: "n1", votedFor: "n2", becoming: "candidate" }), "n1");
 * ```
 */
export const correctTermChangeRule: TermChangeRule = (change) =>
  change.becoming === "candidate" ? change.self : null;

/** Returns the term a RequestVoteResponse carries. */
export type VoteAnswerTermRule = (
  state: { currentTerm: number },
  request: VoteRequestView,
  voteGranted: boolean,
) => number;

/**
 * Figure 2: every RPC answer carries the responder's currentTerm (after it adopted a newer one),
 * so a candidate can tell an answer to its own election from a stale one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correctVoteAnswerTermRule } from "./rules.ts";
 * const request = { term: 3, candidateId: "n2", lastLogIndex: 0, lastLogTerm: 0 };
 * assert.equal(correctVoteAnswerTermRule({ currentTerm: 5 }, request, true), 5);
 * ```
 */
export const correctVoteAnswerTermRule: VoteAnswerTermRule = (state) => state.currentTerm;

/** The rules a node uses; the variants and the labs replace some of them. */
export interface RaftRules {
  /** How a server answers RequestVote. */
  requestVote?: VoteRule;
  /** What becomes of a server's vote when its own term changes. */
  termChange?: TermChangeRule;
  /** Which term a vote answer carries. */
  voteAnswerTerm?: VoteAnswerTermRule;
  /** How a follower answers AppendEntries. */
  appendEntries?: AppendRule;
  /** How a leader advances commitIndex. */
  commit?: CommitRule;
}

// --- the seed's rules, kept as known-broken variants ---------------------------------------

/**
 * The seed's request_vote: a newer term is adopted but the old vote is kept, a stale term is
 * not refused, and a vote goes to whoever matches the stored vote (or to anyone, if none).
 *
 * @example
 * ```ts
 * import { staleVoteRule } from "./rules.ts";
 * const d = staleVoteRule(
 *   { currentTerm: 5, votedFor: "n2", lastLogIndex: 0, lastLogTerm: 0 },
 *   { term: 3, candidateId: "n2", lastLogIndex: 0, lastLogTerm: 0 },
 * );
 * if (!d.voteGranted) throw new Error("a stale-term candidate gets the old vote again");
 * ```
 */
export const staleVoteRule: VoteRule = (state, request) => {
  const currentTerm = Math.max(state.currentTerm, request.term);
  const upToDate = logUpToDate(request, state);
  const voteGranted = (state.votedFor === null || state.votedFor === request.candidateId) &&
    upToDate;
  return { currentTerm, votedFor: voteGranted ? request.candidateId : state.votedFor, voteGranted };
};

/**
 * The seed's voted_for is one field with no term attached: it is never cleared when the term
 * advances, and a candidate only tallies its own vote without recording it, so after a split
 * vote it can still grant its rival in the same term (two leaders in one term, §5.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staleTermChangeRule } from "./rules.ts";
 * assert.equal(staleTermChangeRule({ self: "n1", votedFor: "n2", becoming: "follower" }), "n2");
 * assert.equal(staleTermChangeRule({ self: "n1", votedFor: null, becoming: "candidate" }), null);
 * ```
 */
export const staleTermChangeRule: TermChangeRule = (change) => change.votedFor;

/**
 * The seed answers a vote with a bare boolean, which the candidate reads as an answer in its own
 * term: a granted vote carries the request's term, even a stale one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staleVoteAnswerTermRule } from "./rules.ts";
 * const request = { term: 3, candidateId: "n2", lastLogIndex: 0, lastLogTerm: 0 };
 * assert.equal(staleVoteAnswerTermRule({ currentTerm: 5 }, request, true), 3);
 * assert.equal(staleVoteAnswerTermRule({ currentTerm: 5 }, request, false), 5);
 * ```
 */
export const staleVoteAnswerTermRule: VoteAnswerTermRule = (state, request, voteGranted) =>
  voteGranted ? request.term : state.currentTerm;

/**
 * The seed's append_entries: no prevLogIndex/prevLogTerm check. Entries go right after
 * prevLogIndex, or at the end of a log that is too short, and the answer is always yes.
 *
 * @example
 * ```ts
 * import { uncheckedAppendRule } from "./rules.ts";
 * const d = uncheckedAppendRule(
 *   { log: [], commitIndex: 0 },
 *   { prevLogIndex: 5, prevLogTerm: 1, entries: [{ term: 1, command: "x" }], leaderCommit: 0 },
 * );
 * if (!d.success || d.log.length !== 1) throw new Error("entry 6 lands at index 1");
 * ```
 */
export const uncheckedAppendRule: AppendRule = (state, request) => {
  const insertAt = Math.min(request.prevLogIndex, state.log.length) + 1;
  const next = [...state.log];
  for (let i = 0; i < request.entries.length; i++) {
    const index = insertAt + i;
    if (index <= next.length && next[index - 1].term === request.entries[i].term) continue;
    next.length = index - 1;
    next.push(...request.entries.slice(i));
    break;
  }
  const lastNew = insertAt - 1 + request.entries.length;
  return {
    success: true,
    log: next,
    commitIndex: Math.max(state.commitIndex, Math.min(request.leaderCommit, lastNew)),
    matchIndex: request.prevLogIndex + request.entries.length,
    conflictTerm: 0,
    conflictIndex: 0,
  };
};

/**
 * Commits the highest index stored on a majority whatever its term: the mistake Figure 8 shows.
 *
 * @example
 * ```ts
 * import { countReplicasCommitRule } from "./rules.ts";
 * const n = countReplicasCommitRule({ currentTerm: 4, logTerms: [1, 2], matchIndexes: [2, 2, 0], commitIndex: 1 });
 * if (n !== 2) throw new Error("counts a term-2 entry in term 4");
 * ```
 */
export const countReplicasCommitRule: CommitRule = (state) => {
  for (let n = state.logTerms.length; n > state.commitIndex; n--) {
    const replicas = state.matchIndexes.filter((m) => m >= n).length;
    if (replicas * 2 > state.matchIndexes.length) return n;
  }
  return state.commitIndex;
};
