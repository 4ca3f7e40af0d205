/**
 * The replicated key-value state machine that sits on top of the Raft log, with client
 * sessions for exactly-once semantics.
 *
 * Source: Raft §8 ("Client interaction"): clients tag each command with a serial number; the
 * state machine remembers the latest serial number per client with its response, so a command
 * retried after a timeout is not executed twice. Reads go through the log too, which makes them
 * linearizable without leases (§8 offers the ReadIndex optimisation instead; we keep the
 * simplest correct design).
 * Guarantees: `apply` is deterministic, so every server that applies the same log reaches the
 * same state and the same responses. Non-goals: snapshots, session expiry.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";

/** A client operation, in the vocabulary of the history format of DESIGN.md. */
export type KvOp =
  | { f: "read"; key: string }
  | { f: "write"; key: string; value: unknown }
  | { f: "append"; key: string; value: string }
  | { f: "cas"; key: string; value: [expected: unknown, next: unknown] };

/** A command in the Raft log: an operation plus the client session that issued it. */
export interface KvCommand {
  /** The client's node id: its session. */
  clientId: NodeId;
  /** The client's sequence number for this operation (retries reuse it). */
  seq: number;
  /** What to do. */
  op: KvOp;
}

/** The outcome of applying a command: `fail` only for a cas whose expectation was wrong. */
export interface KvResult {
  /** `fail` only for a cas whose expected value differed. */
  type: "ok" | "fail";
  /** A read's value; for the other operations, their argument. */
  value?: unknown;
}

/** A client asks a server to execute one operation. */
export interface ClientRequest {
  type: "ClientRequest";
  /** The client's node id (answers go there). */
  clientId: NodeId;
  /** Sequence number; a retry sends the same one. */
  seq: number;
  /** The operation. */
  op: KvOp;
}

/** A server's answer; `not-leader` carries the leader it believes in, if any. */
export interface ClientResponse {
  type: "ClientResponse";
  /** The request this answers. */
  seq: number;
  /** The outcome, or `not-leader` when the client should ask elsewhere. */
  status: "ok" | "fail" | "not-leader";
  /** As in {@linkcode KvResult}. */
  value?: unknown;
  /** The leader the server believes in, if any. */
  leaderHint: NodeId | null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The key-value store with per-client deduplication.
 *
 * @example
 * ```ts
 * import { KvStateMachine } from "./kv.ts";
 * const kv = new KvStateMachine();
 * kv.apply({ clientId: "c1", seq: 1, op: { f: "write", key: "x", value: 1 } });
 * // The same command again (a retry) is answered from the session, not re-executed.
 * kv.apply({ clientId: "c1", seq: 1, op: { f: "write", key: "x", value: 1 } });
 * const read = kv.apply({ clientId: "c1", seq: 2, op: { f: "read", key: "x" } });
 * if (read?.value !== 1) throw new Error("read your write");
 * ```
 */
export class KvStateMachine {
  #data = new Map<string, unknown>();
  #sessions = new Map<NodeId, { seq: number; result: KvResult }>();

  /** The current value of a key (null when never written). */
  get(key: string): unknown {
    return this.#data.has(key) ? this.#data.get(key) : null;
  }

  /** A copy of the whole store. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.#data.entries()].sort(([a], [b]) => a < b ? -1 : 1));
  }

  /** The cached response for exactly this client and sequence number, if any. */
  cached(clientId: NodeId, seq: number): KvResult | undefined {
    const session = this.#sessions.get(clientId);
    return session?.seq === seq ? session.result : undefined;
  }

  /** The latest sequence number applied for a client (0 when none). */
  lastSeq(clientId: NodeId): number {
    return this.#sessions.get(clientId)?.seq ?? 0;
  }

  /**
   * Applies a committed command. A retry of the latest command returns the cached response;
   * an older one (the client has moved on) returns null and changes nothing.
   */
  apply(command: KvCommand): KvResult | null {
    const session = this.#sessions.get(command.clientId);
    if (session !== undefined) {
      if (command.seq === session.seq) return session.result;
      if (command.seq < session.seq) return null;
    }
    const result = this.#execute(command.op);
    this.#sessions.set(command.clientId, { seq: command.seq, result });
    return result;
  }

  #execute(op: KvOp): KvResult {
    const current = this.get(op.key);
    switch (op.f) {
      case "read":
        return { type: "ok", value: current };
      case "write":
        this.#data.set(op.key, op.value);
        return { type: "ok", value: op.value };
      case "append": {
        const next = (current === null ? "" : String(current)) + op.value;
        this.#data.set(op.key, next);
        return { type: "ok", value: op.value };
      }
      case "cas":
        if (!sameValue(current, op.value[0])) return { type: "fail", value: op.value };
        this.#data.set(op.key, op.value[1]);
        return { type: "ok", value: op.value };
      default: {
        const never: never = op;
        throw new TypeError(`Unknown KV operation ${JSON.stringify(never)}`);
      }
    }
  }
}
