/**
 * Reference solution of the raft-election lab.
 *
 * @module
 */

import type { VoteDecision, VoteRequestView, VoteState } from "./api.ts";

/** Decides a RequestVote (Figure 2, "RequestVote RPC, receiver implementation"). */
export function handleRequestVote(state: VoteState, request: VoteRequestView): VoteDecision {
  // Step 1 (§5.1): a stale candidate learns nothing from us but our term, and gets no vote.
  if (request.term < state.currentTerm) {
    return { currentTerm: state.currentTerm, votedFor: state.votedFor, voteGranted: false };
  }
  // Step 2 (Figure 2, rules for all servers): a newer term starts with no vote cast.
  let votedFor = state.votedFor;
  if (request.term > state.currentTerm) votedFor = null;
  // Step 3 (§5.2): one vote per term, first come first served; repeating it is harmless.
  const free = votedFor === null || votedFor === request.candidateId;
  // Step 4 (§5.4.1): compare the terms of the last entries; with equal terms, the longer log.
  const atLeastAsUpToDate = request.lastLogTerm === state.lastLogTerm
    ? request.lastLogIndex >= state.lastLogIndex
    : request.lastLogTerm > state.lastLogTerm;
  const voteGranted = free && atLeastAsUpToDate;
  if (voteGranted) votedFor = request.candidateId;
  return { currentTerm: request.term, votedFor, voteGranted };
}
