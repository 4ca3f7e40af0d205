/**
 * A PBFT client (Castro and Liskov §4.1): it sends each request to the primary it believes
 * in, waits for f + 1 matching Replies (at least one from a correct replica), and on a timeout
 * sends the request to every replica, which makes backups relay it and, if the primary does
 * not order it, change views. Operations are recorded as a Jepsen-style history for the
 * linearizability checker.
 *
 * @module
 */

import type { NodeId, ProcessFactory } from "../../sim/mod.ts";
import { acceptedReply, pbftQuorums, type PbftResult } from "./quorums.ts";
import { pbftPrimary } from "./node.ts";
import type { PbftMessage, PbftOperation } from "./types.ts";

/** One scripted operation: issue `op` at `atMs` (or when the previous one completes). */
export interface PbftClientOp {
  atMs: number;
  op: PbftOperation;
}

/** Options of {@linkcode pbftClient}. */
export interface PbftClientOptions {
  /** The replicas, in primary order. */
  replicas: readonly NodeId[];
  /** The history's process number for this client. */
  process: number;
  /** The operations, one at a time, in order. */
  ops: readonly PbftClientOp[];
  /** Wait this long for f + 1 matching replies before sending to every replica. @default 100 */
  retryMs?: number;
}

/**
 * Builds a scripted PBFT client. Its `Reply` quorum is f + 1 for the replicas' count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pbftClient } from "./client.ts";
 * assert.throws(() => pbftClient({ replicas: [], process: 1, ops: [] }), /option replicas/);
 * ```
 */
export function pbftClient(options: PbftClientOptions): ProcessFactory<PbftMessage> {
  if (!Array.isArray(options.replicas) || options.replicas.length === 0) {
    throw new RangeError("pbftClient option replicas must be a non-empty list of node ids");
  }
  const retryMs = options.retryMs ?? 100;
  if (!(retryMs > 0)) throw new RangeError(`pbftClient option retryMs must be > 0, got ${retryMs}`);
  for (const o of options.ops) {
    if (!(o.atMs >= 0)) throw new RangeError(`pbftClient op atMs must be >= 0, got ${o.atMs}`);
  }
  const replicas = options.replicas;
  const quorums = pbftQuorums(replicas.length);
  return (rt) => {
    let next = 0;
    let due = 0;
    let view = 0;
    let timestamp = 0;
    let open: { op: PbftOperation; timestamp: number } | null = null;
    let replies: { from: NodeId; timestamp: number; result: PbftResult }[] = [];
    let retryTimer = -1;
    const request = () => ({ client: rt.id, timestamp: open!.timestamp, op: open!.op });
    const issue = () => {
      if (open !== null || next >= due) return;
      const { op } = options.ops[next++];
      open = { op, timestamp: ++timestamp };
      replies = [];
      rt.recordOp({
        process: options.process,
        type: "invoke",
        f: op.f,
        value: op.f === "write" ? op.value : null,
      });
      rt.send(pbftPrimary(replicas, view), { type: "Request", request: request() });
      retryTimer = rt.setTimer(retryMs, "pbft.client.retry");
    };
    return {
      onStart() {
        options.ops.forEach((o, i) => rt.setTimer(o.atMs, "pbft.client.op", i));
      },
      onTimer(tag: string) {
        if (tag === "pbft.client.op") {
          due++;
          issue();
        } else if (tag === "pbft.client.retry" && open !== null) {
          for (const r of replicas) rt.send(r, { type: "Request", request: request() });
          retryTimer = rt.setTimer(retryMs, "pbft.client.retry");
        }
      },
      onMessage(from: NodeId, msg: PbftMessage) {
        if (msg.type !== "Reply" || open === null || msg.timestamp !== open.timestamp) return;
        replies.push({ from, timestamp: msg.timestamp, result: msg.result });
        const accepted = acceptedReply(replies, open.timestamp, quorums);
        if (accepted === null) return;
        view = Math.max(view, msg.view);
        rt.cancelTimer(retryTimer);
        rt.recordOp({
          process: options.process,
          type: "ok",
          f: open.op.f,
          value: open.op.f === "write" ? open.op.value : accepted.result,
        });
        open = null;
        issue();
      },
    };
  };
}
