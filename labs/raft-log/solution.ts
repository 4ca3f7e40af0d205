/**
 * Reference solution of the raft-log lab.
 *
 * @module
 */

import type { AppendDecision, AppendRequestView, AppendState, CommitState } from "./api.ts";

/** A follower handles AppendEntries (Figure 2, receiver implementation, rules 2–5). */
export function handleAppendEntries<C>(
  state: AppendState<C>,
  request: AppendRequestView<C>,
): AppendDecision<C> {
  const { log, commitIndex } = state;
  const { prevLogIndex, prevLogTerm, entries, leaderCommit } = request;
  const refuse = (conflictTerm: number, conflictIndex: number): AppendDecision<C> => ({
    success: false,
    log: [...log],
    commitIndex,
    matchIndex: 0,
    conflictTerm,
    conflictIndex,
  });
  // Step 1, rule 2: the consistency check. Index i lives at log[i - 1].
  if (prevLogIndex > log.length) return refuse(0, log.length + 1); // too short
  if (prevLogIndex > 0 && log[prevLogIndex - 1].term !== prevLogTerm) {
    // Fast backup (§5.3): name the conflicting term and where it starts here.
    const term = log[prevLogIndex - 1].term;
    let first = prevLogIndex;
    while (first > 1 && log[first - 2].term === term) first--;
    return refuse(term, first);
  }
  // Step 2, rules 3 and 4: only a real conflict truncates, so that a late duplicate of an
  // older AppendEntries cannot cut entries that arrived after it.
  const next = log.slice();
  for (let i = 0; i < entries.length; i++) {
    const index = prevLogIndex + 1 + i;
    if (index <= next.length && next[index - 1].term === entries[i].term) continue;
    next.splice(index - 1, next.length - (index - 1), ...entries.slice(i));
    break;
  }
  // Step 3, rule 5: we only know that the log matches the leader's up to the last new entry.
  const lastNew = prevLogIndex + entries.length;
  return {
    success: true,
    log: next,
    commitIndex: Math.max(commitIndex, Math.min(leaderCommit, lastNew)),
    matchIndex: lastNew,
    conflictTerm: 0,
    conflictIndex: 0,
  };
}

/** The leader's new commitIndex (§5.4.2). */
export function advanceCommitIndex(state: CommitState): number {
  const { currentTerm, logTerms, matchIndexes, commitIndex } = state;
  const majority = Math.floor(matchIndexes.length / 2) + 1;
  for (let n = logTerms.length; n > commitIndex; n--) {
    // Figure 8: an entry of an earlier term may be on a majority and still be overwritten, so
    // only entries of the current term are committed by counting; earlier ones follow.
    if (logTerms[n - 1] !== currentTerm) continue;
    if (matchIndexes.filter((m) => m >= n).length >= majority) return n;
  }
  return commitIndex;
}
