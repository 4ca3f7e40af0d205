/**
 * The messages and data of PBFT (Castro and Liskov, OSDI 1999), named as in the paper.
 *
 * Authentication: the paper signs or MACs every message (§3); here the network's
 * `authenticate` option plays that role for the sender of each message (a forged message is
 * dropped), and the messages a certificate quotes (the Prepares behind a prepared
 * certificate, the ViewChanges behind a NewView) are assumed signed, so a Byzantine replica can
 * leave a certificate out but cannot make one up.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import type { PbftResult } from "./quorums.ts";

/** An operation on the replicated service: one register. */
export type PbftOperation = { f: "write"; value: number } | { f: "read" };

/** A client request ⟨REQUEST, o, t, c⟩ (§4.1): operation, timestamp, client. */
export interface PbftRequest {
  readonly client: NodeId;
  /** Client-local and increasing, so replicas execute each request once (exactly-once). */
  readonly timestamp: number;
  readonly op: PbftOperation;
}

/** The replicated service's state plus the last reply to each client, as checkpoints copy it. */
export interface PbftServiceState {
  register: number | null;
  /** Client id -> the last request executed for it and its result, sorted by client. */
  replies: Record<NodeId, { timestamp: number; result: PbftResult }>;
}

/** A request prepared at some view: one entry of a replica's P set (§4.4). */
export interface PreparedProof {
  seq: number;
  view: number;
  digest: string;
  request: PbftRequest | null;
}

/** What a NewView quotes of each ViewChange it is built on (§4.4, the set V). */
export interface ViewChangeProof {
  from: NodeId;
  stableSeq: number;
  prepared: PreparedProof[];
}

/** One PrePrepare of a NewView (the set O): a request, or the null request for a gap. */
export interface NewViewEntry {
  seq: number;
  digest: string;
  request: PbftRequest | null;
}

/** The messages of PBFT. */
export type PbftMessage =
  /** A client's request, to the primary (or to every replica on retransmission). */
  | { type: "Request"; request: PbftRequest }
  /** The primary assigns sequence number `seq` to a request in `view` (§4.2). */
  | { type: "PrePrepare"; view: number; seq: number; digest: string; request: PbftRequest | null }
  /** A backup accepted that PrePrepare. */
  | { type: "Prepare"; view: number; seq: number; digest: string }
  /** The sender has a prepared certificate for it. */
  | { type: "Commit"; view: number; seq: number; digest: string }
  /** The result of a client's request. */
  | { type: "Reply"; view: number; timestamp: number; result: PbftResult }
  /** The sender's state after executing `seq` (§4.3); `state` stands in for state transfer. */
  | { type: "Checkpoint"; seq: number; stateDigest: string; state: PbftServiceState }
  /** The sender moves to `view`; it reports its stable checkpoint and prepared set (§4.4). */
  | {
    type: "ViewChange";
    view: number;
    stableSeq: number;
    state: PbftServiceState;
    prepared: PreparedProof[];
  }
  /** The new primary starts `view` from 2f + 1 ViewChanges (§4.4). */
  | {
    type: "NewView";
    view: number;
    viewChanges: ViewChangeProof[];
    stableSeq: number;
    state: PbftServiceState;
    prePrepares: NewViewEntry[];
  };

/** The digest of the null request a new primary puts in a gap (§4.4). */
export const PBFT_NULL_DIGEST = "null";

/**
 * The digest D(m) of a request. A collision-free stand-in for a cryptographic hash: the
 * request itself, rendered canonically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestDigest } from "./types.ts";
 * assert.equal(requestDigest({ client: "c1", timestamp: 2, op: { f: "write", value: 5 } }), "c1#2#write:5");
 * assert.equal(requestDigest(null), "null");
 * ```
 */
export function requestDigest(request: PbftRequest | null): string {
  if (request === null) return PBFT_NULL_DIGEST;
  const op = request.op.f === "write" ? `write:${request.op.value}` : "read";
  return `${request.client}#${request.timestamp}#${op}`;
}

/**
 * The digest of a service state, for checkpoints: its canonical JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateDigest } from "./types.ts";
 * assert.equal(stateDigest({ register: 3, replies: {} }), '{"register":3,"replies":{}}');
 * ```
 */
export function stateDigest(state: PbftServiceState): string {
  const replies = Object.keys(state.replies).sort().map((c) => [c, state.replies[c]]);
  return JSON.stringify({ register: state.register, replies: Object.fromEntries(replies) });
}
