/**
 * Your file. Implement the vote rule; `deno test -A labs/raft-election` tells you what is
 * still wrong, with the smallest run that shows it.
 *
 * @module
 */

import type { VoteDecision, VoteRequestView, VoteState } from "./api.ts";

/** Decides a RequestVote (Figure 2, "RequestVote RPC, receiver implementation"). */
export function handleRequestVote(state: VoteState, request: VoteRequestView): VoteDecision {
  // TODO step 1: a request from an older term gets no vote (and changes nothing).
  // TODO step 2: a newer term is adopted, and the vote of the old term is forgotten.
  // TODO step 3: at most one vote per term: only if votedFor is null or already this candidate.
  // TODO step 4: only for a candidate whose log is at least as up-to-date as ours (§5.4.1).
  // For now every candidate gets a vote, which is how two leaders end up in one term.
  return {
    currentTerm: Math.max(state.currentTerm, request.term),
    votedFor: request.candidateId,
    voteGranted: true,
  };
}
