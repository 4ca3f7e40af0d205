/**
 * The messages and records of EPaxos (Moraru, Andersen and Kaminsky, "There Is More Consensus
 * in Egalitarian Parliaments", SOSP 2013), named as in Figures 2 and 3 of the paper.
 *
 * @module
 */

import type { Ballot } from "../paxos/ballot.ts";
import type { EpaxosCommand, EpaxosInstanceId } from "./execution.ts";

/** Where an instance stands at one replica (§4.3.1); `none` means it knows nothing of it. */
export type EpaxosStatus = "none" | "preaccepted" | "accepted" | "committed";

/**
 * What a replica knows of one instance, and keeps on disk: the command (null for the no-op),
 * its attributes, its status, the highest ballot promised and the ballot the attributes were
 * set at.
 */
export interface EpaxosInstance {
  command: EpaxosCommand | null;
  seq: number;
  /** Sorted instance ids. */
  deps: EpaxosInstanceId[];
  status: EpaxosStatus;
  /** The highest ballot this replica took part in for the instance. */
  ballot: Ballot;
  /** The ballot at which `command`, `seq` and `deps` were last set. */
  vballot: Ballot;
  /**
   * Whether this replica pre-accepted the command leader's attributes unchanged at the default
   * ballot: only such replies can have made up a fast quorum, so only they count in recovery.
   */
  unchanged: boolean;
  /** Whether this replica executed it (so a restart replays it silently). */
  executed: boolean;
}

/** The messages of EPaxos. */
export type EpaxosMessage =
  /** A client asks its replica to run `command`. */
  | { type: "Request"; requestId: string; command: EpaxosCommand }
  /** The command leader's answer once the command executed: the value read, or null. */
  | { type: "Reply"; requestId: string; value: number | null }
  /** Phase 1 (Figure 2, line 6): the leader's command and attributes. */
  | {
    type: "PreAccept";
    ballot: Ballot;
    id: EpaxosInstanceId;
    command: EpaxosCommand | null;
    seq: number;
    deps: EpaxosInstanceId[];
  }
  /** Figure 2, line 13: the acceptor's attributes, updated from its own conflicting instances. */
  | {
    type: "PreAcceptOK";
    ballot: Ballot;
    id: EpaxosInstanceId;
    seq: number;
    deps: EpaxosInstanceId[];
  }
  /** The Paxos-Accept phase (slow path, Figure 2, line 19). */
  | {
    type: "Accept";
    ballot: Ballot;
    id: EpaxosInstanceId;
    command: EpaxosCommand | null;
    seq: number;
    deps: EpaxosInstanceId[];
  }
  | { type: "AcceptOK"; ballot: Ballot; id: EpaxosInstanceId }
  /** The commit phase (Figure 2, line 23): final attributes, to every replica. */
  | {
    type: "Commit";
    id: EpaxosInstanceId;
    command: EpaxosCommand | null;
    seq: number;
    deps: EpaxosInstanceId[];
  }
  /** Explicit prepare (Figure 3, line 26): a replica takes over an instance with a higher ballot. */
  | { type: "Prepare"; ballot: Ballot; id: EpaxosInstanceId }
  /** Figure 3, line 28: what the replier knows of the instance. */
  | {
    type: "PrepareOK";
    ballot: Ballot;
    id: EpaxosInstanceId;
    instance: EpaxosInstance;
  }
  /**
   * Recovery's TryPreAccept (technical report CMU-PDL-13-111, §4.2 "Recovery"): a recoverer
   * that found some, but too few, identical default-ballot PreAcceptOKs asks the other replicas
   * to pre-accept the command with exactly those attributes.
   */
  | {
    type: "TryPreAccept";
    ballot: Ballot;
    id: EpaxosInstanceId;
    command: EpaxosCommand | null;
    seq: number;
    deps: EpaxosInstanceId[];
  }
  /**
   * The answer to a TryPreAccept: `ok`, or the conflicting instance that stops the replica from
   * pre-accepting (an instance that neither is in `deps` nor has the command in its own deps).
   * `conflict` is the instance itself when the replier already accepted it at another ballot.
   */
  | {
    type: "TryPreAcceptReply";
    ballot: Ballot;
    id: EpaxosInstanceId;
    ok: boolean;
    conflict: EpaxosTryPreAcceptConflict | null;
  }
  /**
   * Catch-up (not in the paper, whose replicas learn of an instance only through a message
   * about it or a dependency on it): per command leader, the highest instance number the sender
   * knows of. Instance numbers are dense, so a replica that knows fewer has missed some and
   * recovers them (§4.5) — a committed one comes back with its Commit.
   */
  | { type: "Frontier"; highest: Record<string, number> }
  /** The replier promised a higher ballot for the instance. */
  | { type: "Nack"; id: EpaxosInstanceId; ballot: Ballot; promised: Ballot };

/** What stopped a replica from pre-accepting a TryPreAccept's attributes. */
export interface EpaxosTryPreAcceptConflict {
  id: EpaxosInstanceId;
  /** Whether the replier holds the conflicting instance committed. */
  committed: boolean;
  /**
   * Whether the replier holds it as pre-accepted from its command leader's own PreAccept (the
   * default ballot): then that leader cannot have been in the recovered instance's fast quorum.
   */
  fromLeader: boolean;
}

/**
 * The command leader of an instance, from its id (`r2.5` is led by `r2`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosInstanceLeader } from "./types.ts";
 * assert.equal(epaxosInstanceLeader("r2.5"), "r2");
 * ```
 */
export function epaxosInstanceLeader(id: EpaxosInstanceId): string {
  return id.slice(0, id.lastIndexOf("."));
}
