/**
 * What the PBFT quorums lab asks you to implement (see README.md).
 *
 * @module
 */

import type { NodeId } from "../../src/mod.ts";

/** The sizes of every quorum a PBFT replica or client waits for. */
export interface Quorums {
  /** Byzantine replicas tolerated by n replicas. */
  f: number;
  /** Matching Prepares from distinct backups needed, with the PrePrepare, to prepare. */
  prepares: number;
  /** Matching Commits (own included) needed to commit locally. */
  commits: number;
  /** ViewChanges (own included) a new primary needs. */
  viewChanges: number;
  /** Matching Checkpoints that make a checkpoint stable. */
  checkpoints: number;
  /** Matching Replies a client waits for. */
  replies: number;
}

/** A PrePrepare, Prepare or Commit, reduced to what votes must match on. */
export interface Vote {
  /** Who sent it. */
  from: NodeId;
  view: number;
  seq: number;
  digest: string;
}

/** Your implementation. */
export interface PbftQuorumsLab {
  /** The quorum sizes for a cluster of `n` replicas. */
  quorums(n: number): Quorums;
  /**
   * PBFT's `prepared` predicate: the replica accepted `prePrepare` (null: none) from the view's
   * primary, and holds enough Prepares matching it from distinct backups.
   */
  isPrepared(
    prePrepare: Vote | null,
    prepares: readonly Vote[],
    options: { primary: NodeId; quorums: Quorums },
  ): boolean;
  /** PBFT's `committed-local` predicate: prepared, and enough matching Commits. */
  isCommittedLocal(
    prepared: boolean,
    vote: Vote,
    commits: readonly Vote[],
    quorums: Quorums,
  ): boolean;
}
