/**
 * An EPaxos client: it sends each operation to its own replica (the command leader for it, as
 * in the paper's wide-area setting, where clients talk to the nearest replica) and waits for
 * the Reply the leader sends once the command executed. A reply that does not come within
 * `timeoutMs` leaves the operation's outcome unknown (`info`): it may still commit, through
 * recovery, after the client gave up. Operations are recorded as a Jepsen-style history.
 *
 * @module
 */

import type { NodeId, ProcessFactory } from "../../sim/mod.ts";
import type { EpaxosMessage } from "./types.ts";

/** One operation on the key-value store. */
export type EpaxosClientOperation =
  | { f: "write"; key: string; value: number }
  | { f: "read"; key: string };

/** One scripted operation: issue `op` at `atMs` (or when the previous one completes). */
export interface EpaxosClientOp {
  atMs: number;
  op: EpaxosClientOperation;
}

/** Options of {@linkcode epaxosClient}. */
export interface EpaxosClientOptions {
  /** The replica this client sends to. */
  replica: NodeId;
  /** The history's process number for this client. */
  process: number;
  /** The operations, one at a time, in order. */
  ops: readonly EpaxosClientOp[];
  /** Give up on a reply after this long, outcome unknown. @default 1000 */
  timeoutMs?: number;
}

/**
 * Builds a scripted EPaxos client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosClient } from "./client.ts";
 * assert.throws(() => epaxosClient({ replica: "r1", process: 1, ops: [], timeoutMs: 0 }), /option timeoutMs/);
 * ```
 */
export function epaxosClient(options: EpaxosClientOptions): ProcessFactory<EpaxosMessage> {
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`epaxosClient option timeoutMs must be > 0, got ${timeoutMs}`);
  }
  for (const o of options.ops) {
    if (!(o.atMs >= 0)) throw new RangeError(`epaxosClient op atMs must be >= 0, got ${o.atMs}`);
    if (o.op.key === "") throw new RangeError("epaxosClient op key must not be empty");
  }
  return (rt) => {
    let next = 0;
    let due = 0;
    let sent = 0;
    let open: { requestId: string; index: number } | null = null;
    let timer = -1;
    const finish = (type: "ok" | "info", value: unknown) => {
      const { op } = options.ops[open!.index];
      rt.recordOp({ process: options.process, type, f: op.f, key: op.key, value });
      rt.cancelTimer(timer);
      open = null;
      issue();
    };
    const issue = () => {
      if (open !== null || next >= due) return;
      const index = next++;
      const { op } = options.ops[index];
      open = { requestId: `${rt.id}#${++sent}`, index };
      rt.recordOp({
        process: options.process,
        type: "invoke",
        f: op.f,
        key: op.key,
        value: op.f === "write" ? op.value : null,
      });
      const command = op.f === "write"
        ? { key: op.key, op: "write" as const, value: op.value }
        : { key: op.key, op: "read" as const };
      rt.send(options.replica, { type: "Request", requestId: open.requestId, command });
      timer = rt.setTimer(timeoutMs, "epaxos.client.timeout", open.requestId);
    };
    return {
      onStart() {
        options.ops.forEach((o, i) => rt.setTimer(o.atMs, "epaxos.client.op", i));
      },
      onTimer(tag: string, data: unknown) {
        if (tag === "epaxos.client.op") {
          due++;
          issue();
        } else if (tag === "epaxos.client.timeout" && open !== null && data === open.requestId) {
          const { op } = options.ops[open.index];
          finish("info", op.f === "write" ? op.value : null);
        }
      },
      onMessage(_from: NodeId, msg: EpaxosMessage) {
        if (msg.type !== "Reply" || open === null || msg.requestId !== open.requestId) return;
        const { op } = options.ops[open.index];
        finish("ok", op.f === "write" ? op.value : msg.value);
      },
    };
  };
}
