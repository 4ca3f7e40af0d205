/**
 * Raft's vocabulary: log entries, the four RPCs of Figure 2 as a discriminated union, the
 * node's options and the known-broken variants.
 *
 * Source: Diego Ongaro and John Ousterhout, "In Search of an Understandable Consensus
 * Algorithm (Extended Version)", 2014 — Figure 2 and §5.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";

/** One log entry: the term in which a leader created it and an opaque command. */
export interface LogEntry<C = unknown> {
  /** The term of the leader that created the entry. */
  term: number;
  /** The state machine command (a KV operation with its client session, for netsplit's KV). */
  command: C;
}

/**
 * Invoked by candidates to gather votes (Figure 2, §5.2). `lastLogIndex`/`lastLogTerm`
 * let the voter apply the up-to-date rule of §5.4.1.
 */
export interface RequestVote {
  type: "RequestVote";
  /** The candidate's term. */
  term: number;
  /** The candidate requesting the vote. */
  candidateId: NodeId;
  /** Index of the candidate's last log entry. */
  lastLogIndex: number;
  /** Term of the candidate's last log entry. */
  lastLogTerm: number;
}

/** A voter's answer (Figure 2). `term` lets a stale candidate update itself. */
export interface RequestVoteResponse {
  type: "RequestVoteResponse";
  /** The voter's currentTerm. */
  term: number;
  /** Whether the candidate received the vote. */
  voteGranted: boolean;
}

/**
 * Invoked by the leader to replicate entries (§5.3); with no entries it is a heartbeat (§5.2).
 * `prevLogIndex`/`prevLogTerm` carry the consistency check that yields the Log Matching
 * property.
 */
export interface AppendEntries<C = unknown> {
  type: "AppendEntries";
  /** The leader's term. */
  term: number;
  /** So followers can redirect clients. */
  leaderId: NodeId;
  /** Index of the entry just before the new ones. */
  prevLogIndex: number;
  /** Term of the entry at prevLogIndex. */
  prevLogTerm: number;
  /** Entries to store (empty for a heartbeat). */
  entries: LogEntry<C>[];
  /** The leader's commitIndex. */
  leaderCommit: number;
}

/**
 * A follower's answer. On success `matchIndex` is the last index known to match the leader.
 * On failure the fast-backup hints of §5.3 (the "accelerated log backtracking" paragraph):
 * `conflictTerm` is the follower's term at `prevLogIndex` (0 when its log is too short) and
 * `conflictIndex` the first index it holds for that term (or its log length + 1).
 */
export interface AppendEntriesResponse {
  type: "AppendEntriesResponse";
  /** The follower's currentTerm. */
  term: number;
  /** True when the follower held an entry matching prevLogIndex and prevLogTerm. */
  success: boolean;
  /** On success, the last index known to match the leader's log. */
  matchIndex: number;
  /** On failure, the follower's term at prevLogIndex (0 when its log is too short). */
  conflictTerm: number;
  /** On failure, the first index of conflictTerm (or the log length + 1). */
  conflictIndex: number;
}

/**
 * Pre-vote (Ongaro's dissertation §9.6): before disrupting the cluster with a new term, a
 * server asks whether it could win. `term` is the term it would stand in (currentTerm + 1);
 * nobody changes its term or vote for a PreVote.
 */
export interface PreVote {
  type: "PreVote";
  /** The term the sender would stand in (its currentTerm + 1). */
  term: number;
  /** The would-be candidate. */
  candidateId: NodeId;
  /** Index of its last log entry. */
  lastLogIndex: number;
  /** Term of its last log entry. */
  lastLogTerm: number;
}

/** The answer to a PreVote; `term` is the asked term when granted, else the voter's term. */
export interface PreVoteResponse {
  type: "PreVoteResponse";
  /** The asked term when granted, else the voter's currentTerm. */
  term: number;
  /** Whether the voter would vote for it. */
  voteGranted: boolean;
}

/**
 * Leadership transfer (dissertation §3.10): the leader, having brought `target` up to date,
 * tells it to stand for election at once instead of waiting for its timeout.
 */
export interface TimeoutNow {
  type: "TimeoutNow";
  /** The leader's term; a stale TimeoutNow is ignored. */
  term: number;
}

/** Every message Raft servers exchange. */
export type RaftMessage<C = unknown> =
  | RequestVote
  | RequestVoteResponse
  | AppendEntries<C>
  | AppendEntriesResponse
  | PreVote
  | PreVoteResponse
  | TimeoutNow;

/** Server roles (§5.1), plus the pre-candidate of the pre-vote extension. */
export type RaftRole = "follower" | "pre-candidate" | "candidate" | "leader";

/**
 * Which implementation to run. Everything but `"correct"` is a known-broken variant taken from
 * the simplifications of the seed page, kept so that checkers can be shown to catch them:
 *
 * - `"no-prev-log-check"`: the follower never checks `prevLogIndex`/`prevLogTerm`; it writes the
 *   entries right after `prevLogIndex` (or at the end of a shorter log) and says yes. Breaks Log
 *   Matching, then State Machine Safety.
 * - `"stale-vote"`: the vote is one field with no term attached, like the seed's `voted_for`:
 *   it is never cleared when the term advances, it only changes when a request is granted (so a
 *   candidate's vote for itself is tallied but not recorded), and requests from stale terms are
 *   granted with a bare "yes". After a split vote a candidate grants its rival in the same term:
 *   two leaders in one term (Election Safety).
 * - `"commit-old-term"`: the leader commits an entry from an earlier term as soon as a majority
 *   stores it, the Figure 8 mistake that §5.4.2 forbids; a committed entry can then be
 *   overwritten (Leader Completeness, State Machine Safety).
 */
export type RaftVariant = "correct" | "no-prev-log-check" | "stale-vote" | "commit-old-term";

/** The variants, for parameter lists and UIs. */
export const RAFT_VARIANTS: readonly RaftVariant[] = [
  "correct",
  "no-prev-log-check",
  "stale-vote",
  "commit-old-term",
];

/** What Raft keeps on stable storage before answering any RPC (Figure 2, "Persistent state"). */
export interface HardState {
  /** Latest term the server has seen. */
  currentTerm: number;
  /** Candidate that received its vote in currentTerm, or null. */
  votedFor: NodeId | null;
}
