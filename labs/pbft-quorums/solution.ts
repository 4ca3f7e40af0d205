/**
 * Reference solution of the PBFT quorums lab (Castro and Liskov, OSDI 1999, §4.2).
 */
import type { NodeId } from "../../src/mod.ts";
import type { Quorums, Vote } from "./api.ts";

export function quorums(n: number): Quorums {
  // n - f replicas may be all that answer, and f of those may lie: n - 2f > f.
  const f = Math.floor((n - 1) / 3);
  // Two quorums of q share 2q - n replicas; that must exceed f so one of them is correct.
  // For n = 3f + 1 this is 2f + 1.
  const q = Math.ceil((n + f + 1) / 2);
  return { f, prepares: q - 1, commits: q, viewChanges: q, checkpoints: q, replies: f + 1 };
}

const matches = (a: Vote, b: Vote) => a.view === b.view && a.seq === b.seq && a.digest === b.digest;

export function isPrepared(
  prePrepare: Vote | null,
  prepares: readonly Vote[],
  options: { primary: NodeId; quorums: Quorums },
): boolean {
  if (prePrepare === null || prePrepare.from !== options.primary) return false;
  // Distinct backups: a repeated Prepare is one vote, and the primary's PrePrepare is its vote.
  const backups = new Set(
    prepares.filter((p) => p.from !== options.primary && matches(p, prePrepare)).map((p) => p.from),
  );
  return backups.size >= options.quorums.prepares;
}

export function isCommittedLocal(
  prepared: boolean,
  vote: Vote,
  commits: readonly Vote[],
  quorums: Quorums,
): boolean {
  if (!prepared) return false;
  const senders = new Set(commits.filter((c) => matches(c, vote)).map((c) => c.from));
  return senders.size >= quorums.commits;
}
