/**
 * The decisions of EPaxos recovery with the optimized fast quorum, as small rules: the
 * technical report's TryPreAccept round (Moraru, Andersen and Kaminsky, "A Proof of Correctness
 * for Egalitarian Paxos", CMU-PDL-13-111, 2013, the recovery procedure), which the SOSP paper's
 * Figure 3 leaves out.
 *
 * Why it is needed: with N = 2F + 1 replicas and a fast quorum of F + ⌊(F + 1) / 2⌋, a
 * recovery majority that misses the command leader may hold as few as ⌊(F + 1) / 2⌋ replies
 * from the fast quorum — too few to tell a fast commit from a command that only a few replicas
 * pre-accepted. Accepting those attributes blindly can lose a dependency on a conflicting
 * command committed meanwhile; restarting Phase 1 can contradict a fast commit. TryPreAccept
 * asks the other replicas whether they could have pre-accepted the same attributes: once a
 * majority holds them without a conflict, accepting them keeps Lemma 1 (of two committed
 * conflicting commands, one depends on the other); once a conflict shows that the fast quorum
 * cannot have formed, restarting Phase 1 is safe; otherwise the recovery waits (defers) and
 * tries again later.
 *
 * Guarantees: each rule only ever chooses attributes a fast commit could have had, or restarts
 * when no fast commit can have happened. Non-goals: the report's deferral bookkeeping that
 * breaks cycles between mutually deferring recoveries (a deferred recovery here simply times
 * out and tries again with a higher ballot).
 *
 * @module
 */

import type { EpaxosInstance, EpaxosTryPreAcceptConflict } from "./types.ts";
import { type EpaxosCommand, epaxosConflicts, type EpaxosInstanceId } from "./execution.ts";

/** What a recovery does with the identical default-ballot PreAcceptOKs it found. */
export type EpaxosPreAcceptedRecovery = "accept" | "try-pre-accept" | "restart";

/**
 * Chooses how a recovery proceeds when a majority replied, none committed or accepted, the
 * command leader did not reply, and `identical` of them (the leader excluded) pre-accepted its
 * attributes unchanged at the default ballot.
 *
 * - at least F: with the leader they make a majority that holds the attributes, so accept them
 *   (SOSP Figure 3, line 34; the report's recovery, "⌊N/2⌋ identical replies");
 * - at least fast − F (⌊(F + 1) / 2⌋ for the optimized quorum): a fast commit may have happened
 *   but a majority is not proven to hold the attributes, so try to pre-accept them (the report's
 *   recovery, "⌊(F+1)/2⌋ identical replies");
 * - fewer: no fast quorum can have formed, so restart Phase 1 (Figure 3, line 35).
 *
 * For the simple fast quorum of 2F, fast − F = F and the middle case is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosPreAcceptedRecovery } from "./recovery_rules.ts";
 * const optimized5 = { f: 2, recovery: 1 };
 * assert.equal(epaxosPreAcceptedRecovery(2, optimized5), "accept");
 * assert.equal(epaxosPreAcceptedRecovery(1, optimized5), "try-pre-accept");
 * assert.equal(epaxosPreAcceptedRecovery(0, optimized5), "restart");
 * assert.equal(epaxosPreAcceptedRecovery(1, { f: 2, recovery: 2 }), "restart");
 * ```
 */
export function epaxosPreAcceptedRecovery(
  identical: number,
  quorums: { f: number; recovery: number },
): EpaxosPreAcceptedRecovery {
  if (identical >= quorums.f) return "accept";
  if (identical >= quorums.recovery) return "try-pre-accept";
  return "restart";
}

/**
 * A replica's answer to TryPreAccept (the report's recovery): the first instance it knows that conflicts
 * with `command`, is not among `deps`, and does not have `id` in its own deps — the instance
 * that pre-accepting these attributes would leave with no dependency either way — or null.
 *
 * Sequence numbers are not compared: Lemma 1, on which execution consistency rests, is about
 * dependencies only, and seq is agreed by consensus like the rest of the attributes.
 *
 * @param known This replica's instances, by id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosTryPreAcceptConflict } from "./recovery_rules.ts";
 * const b = { round: 0, proposer: "r3" };
 * const delta = {
 *   command: { key: "x", op: "write" as const }, seq: 1, deps: [], status: "preaccepted" as const,
 *   ballot: b, vballot: b, unchanged: true, executed: false,
 * };
 * const known = new Map([["r3.1", delta]]);
 * const gamma = { key: "x", op: "write" as const };
 * assert.equal(epaxosTryPreAcceptConflict("r1.1", gamma, [], known)?.id, "r3.1");
 * assert.equal(epaxosTryPreAcceptConflict("r1.1", gamma, ["r3.1"], known), null);
 * assert.equal(epaxosTryPreAcceptConflict("r1.1", { key: "y", op: "write" }, [], known), null);
 * ```
 */
export function epaxosTryPreAcceptConflict(
  id: EpaxosInstanceId,
  command: EpaxosCommand | null,
  deps: readonly EpaxosInstanceId[],
  known: ReadonlyMap<EpaxosInstanceId, EpaxosInstance>,
): EpaxosTryPreAcceptConflict | null {
  if (command === null) return null;
  for (const [other, o] of [...known].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    if (other === id || o.command === null || o.status === "none") continue;
    if (!epaxosConflicts(command, o.command)) continue;
    if (deps.includes(other) || o.deps.includes(id)) continue;
    return {
      id: other,
      committed: o.status === "committed",
      fromLeader: o.status === "preaccepted" && o.vballot.round === 0,
    };
  }
  return null;
}

/**
 * Whether a fast quorum (command leader included) can still have formed among the replicas not
 * ruled out: those that did not reply to Prepare, those that replied with the leader's
 * attributes unchanged, and the leader. A replica is ruled out when it showed it never
 * pre-accepted the attributes unchanged at the default ballot (the report's recovery: a
 * conflict that shows the fast quorum cannot have formed lets Phase 1 restart).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosFastQuorumPossible } from "./recovery_rules.ts";
 * assert.equal(epaxosFastQuorumPossible(new Set(["r1", "r2", "r5"]), 3), true);
 * assert.equal(epaxosFastQuorumPossible(new Set(["r1", "r2"]), 3), false);
 * ```
 */
export function epaxosFastQuorumPossible(possible: ReadonlySet<string>, fast: number): boolean {
  return possible.size >= fast;
}
