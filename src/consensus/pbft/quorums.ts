/**
 * The quorum rules of PBFT (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI
 * 1999), as small pure functions the replica is built from and the `pbft-quorums` lab asks
 * learners to write.
 *
 * Why n = 3f + 1 (§3, §4.2): a replica must be able to proceed after hearing from n − f
 * replicas, since f may never answer; of those n − f, up to f may be Byzantine, so the honest
 * answers (n − 2f) must outnumber the Byzantine ones (f): n − 2f > f, so n > 3f. Two quorums of
 * 2f + 1 out of 3f + 1 intersect in at least f + 1 replicas, hence in at least one correct
 * replica, which never votes for two different requests at one sequence number in one view.
 * Shrink quorums to 2f and two quorums may meet only in a Byzantine replica: the known-broken
 * variant `quorum-2f`.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";

/** Which quorum rules a replica follows: the paper's, or quorums shrunk by one. */
export type PbftVariant = "correct" | "quorum-2f";

/** Every variant, the correct one first. */
export const PBFT_VARIANTS: readonly PbftVariant[] = ["correct", "quorum-2f"];

/** The sizes of every quorum a replica or client waits for. */
export interface PbftQuorums {
  /** Byzantine replicas tolerated: f = ⌊(n − 1) / 3⌋. */
  f: number;
  /** Matching Prepares from distinct backups that, with the PrePrepare, prepare a request (2f when n = 3f + 1). */
  prepares: number;
  /** Matching Commits (own included) that commit a request locally (2f + 1 when n = 3f + 1). */
  commits: number;
  /** ViewChanges (own included) a new primary needs before its NewView (2f + 1). */
  viewChanges: number;
  /** Matching Checkpoints that make a checkpoint stable (2f + 1). */
  checkpoints: number;
  /** Matching Replies a client waits for: at least one is from a correct replica (f + 1). */
  replies: number;
}

/**
 * The number of Byzantine replicas a cluster of `n` tolerates, ⌊(n − 1) / 3⌋.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultTolerance } from "./quorums.ts";
 * assert.equal(faultTolerance(4), 1);
 * assert.equal(faultTolerance(6), 1);
 * assert.equal(faultTolerance(7), 2);
 * ```
 */
export function faultTolerance(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`faultTolerance n must be an integer >= 1, got ${n}`);
  }
  return Math.floor((n - 1) / 3);
}

/**
 * The quorum sizes for `n` replicas under a variant (PBFT §4.2–§4.4): 2f + 1 when n = 3f + 1,
 * and in general ⌈(n + f + 1) / 2⌉, the least q such that two quorums share f + 1 replicas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftQuorums } from "./quorums.ts";
 * assert.deepEqual(pbftQuorums(4), { f: 1, prepares: 2, commits: 3, viewChanges: 3, checkpoints: 3, replies: 2 });
 * assert.equal(pbftQuorums(4, "quorum-2f").commits, 2);
 * assert.equal(pbftQuorums(6).commits, 4); // f = 1, but 3 of 6 could meet in one liar
 * ```
 */
export function pbftQuorums(n: number, variant: PbftVariant = "correct"): PbftQuorums {
  const f = faultTolerance(n);
  if (!PBFT_VARIANTS.includes(variant)) {
    throw new RangeError(
      `pbftQuorums variant must be one of ${PBFT_VARIANTS.join(", ")}, got ${variant}`,
    );
  }
  // The broken variant takes one vote off every replica-side quorum (2f + 1 becomes 2f), but
  // never below one vote: a quorum of zero would decide on nothing at all.
  const shrink = variant === "quorum-2f" ? 1 : 0;
  // Two quorums of q among n share 2q - n replicas, which must exceed f: q = ⌈(n + f + 1) / 2⌉,
  // which is 2f + 1 when n = 3f + 1 and more when n is not of that form (n = 6 has f = 1 but
  // needs 4, not 3).
  const quorum = Math.ceil((n + f + 1) / 2) - shrink;
  return {
    f,
    prepares: Math.max(quorum - 1, 0),
    commits: Math.max(quorum, 1),
    viewChanges: Math.max(quorum, 1),
    checkpoints: Math.max(quorum, 1),
    replies: f + 1,
  };
}

/** The part of a PrePrepare, Prepare or Commit that votes must match on. */
export interface PbftVote {
  /** Who sent it (authenticated by the network when it authenticates). */
  from: NodeId;
  view: number;
  seq: number;
  digest: string;
}

/**
 * The prepared predicate `prepared(m, v, n, i)` of PBFT §4.2: the replica accepted a
 * PrePrepare for request digest `d` at view `v` and sequence number `n`, and holds Prepares
 * matching it (same view, sequence number and digest) from at least `quorums.prepares`
 * distinct backups. Prepares from the primary do not count: its PrePrepare is its vote, and
 * counting it twice would let a Byzantine primary prepare alone.
 *
 * @param prePrepare The PrePrepare accepted for this view and sequence number, or null.
 * @param prepares Prepares received (any view, sequence number or digest; duplicates allowed).
 * @param options The primary of the view and the quorum sizes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPrepared, pbftQuorums } from "./quorums.ts";
 * const pp = { from: "r1", view: 0, seq: 1, digest: "a" };
 * const vote = (from: string, digest = "a") => ({ from, view: 0, seq: 1, digest });
 * const options = { primary: "r1", quorums: pbftQuorums(4) };
 * assert.equal(isPrepared(pp, [vote("r2"), vote("r3")], options), true);
 * assert.equal(isPrepared(pp, [vote("r2"), vote("r2")], options), false); // one backup, twice
 * assert.equal(isPrepared(pp, [vote("r2"), vote("r1")], options), false); // the primary's own
 * assert.equal(isPrepared(pp, [vote("r2"), vote("r3", "b")], options), false); // another digest
 * ```
 */
export function isPrepared(
  prePrepare: PbftVote | null,
  prepares: readonly PbftVote[],
  options: { primary: NodeId; quorums: PbftQuorums },
): boolean {
  if (prePrepare === null || prePrepare.from !== options.primary) return false;
  const backups = new Set<NodeId>();
  for (const p of prepares) {
    if (p.from === options.primary) continue;
    if (p.view === prePrepare.view && p.seq === prePrepare.seq && p.digest === prePrepare.digest) {
      backups.add(p.from);
    }
  }
  return backups.size >= options.quorums.prepares;
}

/**
 * The committed-local predicate of PBFT §4.2: the request is prepared, and the replica holds
 * Commits matching it from at least `quorums.commits` distinct replicas (its own included).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCommittedLocal, pbftQuorums } from "./quorums.ts";
 * const vote = (from: string) => ({ from, view: 0, seq: 1, digest: "a" });
 * const quorums = pbftQuorums(4);
 * assert.equal(isCommittedLocal(true, vote("r1"), [vote("r1"), vote("r2"), vote("r3")], quorums), true);
 * assert.equal(isCommittedLocal(true, vote("r1"), [vote("r1"), vote("r2")], quorums), false);
 * assert.equal(isCommittedLocal(false, vote("r1"), [vote("r1"), vote("r2"), vote("r3")], quorums), false);
 * ```
 */
export function isCommittedLocal(
  prepared: boolean,
  vote: PbftVote,
  commits: readonly PbftVote[],
  quorums: PbftQuorums,
): boolean {
  if (!prepared) return false;
  const senders = new Set<NodeId>();
  for (const c of commits) {
    if (c.view === vote.view && c.seq === vote.seq && c.digest === vote.digest) senders.add(c.from);
  }
  return senders.size >= quorums.commits;
}

/**
 * The result a client accepts (PBFT §4.1): the first result reported, for its request's
 * timestamp, by at least `quorums.replies` (f + 1) distinct replicas, so at least one of them
 * is correct; null while no result has that many.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptedReply, pbftQuorums } from "./quorums.ts";
 * const quorums = pbftQuorums(4);
 * const reply = (from: string, result: string | null) => ({ from, timestamp: 1, result });
 * assert.equal(acceptedReply([reply("r1", "x"), reply("r2", "y")], 1, quorums), null);
 * assert.deepEqual(acceptedReply([reply("r1", "x"), reply("r3", "x")], 1, quorums), { result: "x" });
 * ```
 */
export function acceptedReply(
  replies: readonly { from: NodeId; timestamp: number; result: PbftResult }[],
  timestamp: number,
  quorums: PbftQuorums,
): { result: PbftResult } | null {
  const byResult = new Map<string, Set<NodeId>>();
  for (const r of replies) {
    if (r.timestamp !== timestamp) continue;
    const key = JSON.stringify(r.result);
    let senders = byResult.get(key);
    if (!senders) byResult.set(key, senders = new Set());
    senders.add(r.from);
    if (senders.size >= quorums.replies) return { result: r.result };
  }
  return null;
}

/** What executing a request returns: `"ok"` for a write, the register's value for a read. */
export type PbftResult = string | number | null;
