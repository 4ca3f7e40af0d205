/**
 * Your PBFT quorum rules. Replace each TODO; run the tests with
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/pbft-quorums`.
 */
import type { NodeId } from "../../src/mod.ts";
import type { Quorums, Vote } from "./api.ts";

export function quorums(n: number): Quorums {
  // TODO: f is the largest number of Byzantine replicas n replicas can outvote (n >= 3f + 1).
  // Then a quorum q so that two quorums share more than f replicas (2f + 1 when n = 3f + 1):
  // q - 1 Prepares (the PrePrepare is the primary's vote), q Commits, ViewChanges and
  // Checkpoints, and f + 1 Replies.
  throw new Error(`TODO: quorums(${n}) is not written yet (see step 1 of the README)`);
}

export function isPrepared(
  _prePrepare: Vote | null,
  _prepares: readonly Vote[],
  _options: { primary: NodeId; quorums: Quorums },
): boolean {
  // TODO: a PrePrepare from the primary, plus quorums.prepares matching Prepares from distinct
  // backups (same view, seq and digest; the primary's own Prepare does not count).
  throw new Error("TODO: isPrepared is not written yet (see step 2 of the README)");
}

export function isCommittedLocal(
  _prepared: boolean,
  _vote: Vote,
  _commits: readonly Vote[],
  _quorums: Quorums,
): boolean {
  // TODO: prepared, and quorums.commits matching Commits from distinct replicas.
  throw new Error("TODO: isCommittedLocal is not written yet (see step 3 of the README)");
}
