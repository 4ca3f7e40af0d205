/**
 * The raft-log lab's interface: the follower's AppendEntries rule (Figure 2, "AppendEntries
 * RPC, receiver implementation", rules 2–5; §5.3) and the leader's commit rule (§5.4.2,
 * Figure 8). You implement both in `starter.ts`; the tests plug them into real Raft servers.
 *
 * @module
 */

import type {
  AppendDecision,
  AppendRequestView,
  AppendState,
  CommitState,
  LogEntry,
} from "../../src/consensus/mod.ts";

export type { AppendDecision, AppendRequestView, AppendState, CommitState, LogEntry };

/** What the lab file must export. */
export interface LogLab {
  /**
   * A follower handles AppendEntries from its current leader (the term check is done for you).
   * Returns the new log and commitIndex, and the answer with fast-backup hints.
   */
  handleAppendEntries<C>(state: AppendState<C>, request: AppendRequestView<C>): AppendDecision<C>;
  /** The leader's new commitIndex given everyone's matchIndex. */
  advanceCommitIndex(state: CommitState): number;
}
