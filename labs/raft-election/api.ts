/**
 * The raft-election lab's interface: the vote rule of Raft (Figure 2, "RequestVote RPC,
 * receiver implementation"; §5.2 and §5.4.1). You implement it in `starter.ts`; the tests plug
 * it into real Raft servers on the simulator.
 *
 * @module
 */

import type { VoteDecision, VoteRequestView, VoteState } from "../../src/consensus/mod.ts";

export type { VoteDecision, VoteRequestView, VoteState };

/** What the lab file must export. */
export interface VoteLab {
  /**
   * Decides a RequestVote. Returns the voter's new `currentTerm` and `votedFor` (both are
   * persisted before the answer leaves) and whether the vote is granted.
   */
  handleRequestVote(state: VoteState, request: VoteRequestView): VoteDecision;
}
