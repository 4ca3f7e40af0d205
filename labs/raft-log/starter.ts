/**
 * Your file. Implement the follower's AppendEntries rule and the leader's commit rule;
 * `deno test -A labs/raft-log` tells you what is still wrong, with the smallest run that shows it.
 *
 * @module
 */

import type { AppendDecision, AppendRequestView, AppendState, CommitState } from "./api.ts";

/** A follower handles AppendEntries (Figure 2, receiver implementation, rules 2–5). */
export function handleAppendEntries<C>(
  state: AppendState<C>,
  request: AppendRequestView<C>,
): AppendDecision<C> {
  // TODO step 1: reply false unless the log has an entry at prevLogIndex with prevLogTerm.
  //              Fill conflictTerm/conflictIndex so the leader can skip back fast.
  // TODO step 2: for each new entry, skip it if the same index already holds the same term;
  //              at the first conflict, cut the log there and append the rest.
  // TODO step 3: commitIndex = max(commitIndex, min(leaderCommit, index of last new entry)).
  // For now the entries are simply added to the end, like the seed's log.extend(entries).
  const log = [...state.log, ...request.entries];
  return {
    success: true,
    log,
    commitIndex: Math.max(state.commitIndex, Math.min(request.leaderCommit, log.length)),
    matchIndex: request.prevLogIndex + request.entries.length,
    conflictTerm: 0,
    conflictIndex: 0,
  };
}

/** The leader's new commitIndex (§5.4.2). */
export function advanceCommitIndex(state: CommitState): number {
  // TODO step 4: the highest N > commitIndex held by a majority (matchIndexes includes the
  //              leader), whose entry is from currentTerm. Until then nothing commits.
  return state.commitIndex;
}
