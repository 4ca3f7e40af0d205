/**
 * The kernel adapters of the leaderless store: a quorum replica (a versioned key-value map
 * that keeps newest-version-wins, plus hinted handoff, Dynamo §4.6) and a scripted client that
 * embeds a {@linkcode QuorumCoordinator} and records a Jepsen-style history, a session log and
 * each operation's latency.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../sim/mod.ts";
import { QuorumCoordinator, type QuorumMessage, type QuorumOptions } from "./quorum_coordinator.ts";
import { compareVersions, NO_VERSION, type ReplicaVersion } from "./versions.ts";

/** A stored value with its version. */
export interface StoredValue {
  value: number | null;
  version: ReplicaVersion;
}

interface Hint extends StoredValue {
  owner: NodeId;
  key: string;
}

/** A running quorum replica, for inspection. */
export interface QuorumReplicaProcess extends Process<QuorumMessage> {
  readonly kind: "quorum-replica";
  /** The value this replica holds for `key`. */
  get(key: string): StoredValue;
  /** Writes held for other replicas, not yet handed off. */
  readonly hints: number;
  /** Every key this replica holds (sorted), e.g. for anti-entropy. */
  keys(): string[];
}

/** Options of {@linkcode quorumReplica}. */
export interface QuorumReplicaOptions {
  /** How often hints are offered to their owners. @default 50 */
  handoffMs?: number;
  /**
   * Anti-entropy: every this many ms, exchange whole maps with a random other replica (push-pull
   * gossip; `merkle.ts` measures how a Merkle tree shrinks this traffic). 0 turns it off.
   * @default 0
   */
  antiEntropyMs?: number;
  /** The replicas to gossip with (needed when `antiEntropyMs` > 0). @default [] */
  ring?: readonly NodeId[];
}

const dataKey = (key: string) => `kv/${key}`;
const HINTS_KEY = "kv-hints";

/**
 * A process factory for one quorum replica. Values and hints live in durable storage, so a
 * crash loses nothing that was acknowledged. A `QuorumPut` is applied only when newer
 * (the Thomas write rule), so repairs and handoffs are idempotent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { quorumClient, quorumReplica, type QuorumReplicaProcess } from "./quorum.ts";
 * const ring = ["n1", "n2", "n3"];
 * const sim = new Simulation({ seed: 1 });
 * for (const id of ring) sim.addNode(id, quorumReplica());
 * sim.addNode("c1", quorumClient({ process: 1, ring, ops: [{ atMs: 1, f: "write", key: "x", value: 4 }] }));
 * sim.run({ untilMs: 100 });
 * const holders = ring.filter((id) => (sim.processOf(id) as QuorumReplicaProcess).get("x").value === 4);
 * assert.equal(holders.length, 3);
 * ```
 */
export function quorumReplica(
  options: QuorumReplicaOptions = {},
): ProcessFactory<QuorumMessage, QuorumReplicaProcess> {
  const handoffMs = options.handoffMs ?? 50;
  if (!(handoffMs > 0)) {
    throw new RangeError(`quorumReplica option handoffMs must be > 0, got ${handoffMs}`);
  }
  const antiEntropyMs = options.antiEntropyMs ?? 0;
  if (!(antiEntropyMs >= 0)) {
    throw new RangeError(`quorumReplica option antiEntropyMs must be >= 0, got ${antiEntropyMs}`);
  }
  return (rt: Runtime<QuorumMessage>) => {
    const get = (key: string): StoredValue =>
      rt.storage.get<StoredValue>(dataKey(key)) ?? { value: null, version: NO_VERSION };
    const apply = (key: string, value: number | null, version: ReplicaVersion) => {
      if (compareVersions(version, get(key).version) > 0) {
        rt.storage.set(dataKey(key), { value, version });
      }
    };
    const entries = () =>
      rt.storage.keys().filter((k) => k.startsWith("kv/")).map((k) => {
        const stored = rt.storage.get<StoredValue>(k)!;
        return [k.slice(3), stored.value, stored.version] as [
          string,
          number | null,
          ReplicaVersion,
        ];
      });
    let hints = rt.storage.get<Hint[]>(HINTS_KEY) ?? [];
    // Handoff requests are numbered downwards so they never collide with a coordinator's.
    let handoffId = 0;
    const offered = new Map<number, Hint>();
    return {
      kind: "quorum-replica",
      get,
      get hints() {
        return hints.length;
      },
      keys: () =>
        rt.storage.keys().filter((k) => k.startsWith("kv/")).map((k) => k.slice(3)).sort(),
      onStart() {
        rt.setTimer(handoffMs, "handoff");
        if (antiEntropyMs > 0) rt.setTimer(antiEntropyMs, "anti-entropy");
      },
      onMessage(from, msg) {
        switch (msg.type) {
          case "QuorumPut":
            if (msg.hintFor !== undefined && msg.hintFor !== rt.id) {
              hints = [...hints, {
                owner: msg.hintFor,
                key: msg.key,
                value: msg.value,
                version: msg.version,
              }];
              rt.storage.set(HINTS_KEY, hints);
            } else apply(msg.key, msg.value, msg.version);
            rt.send(from, { type: "QuorumPutAck", requestId: msg.requestId, key: msg.key });
            return;
          case "QuorumGet":
            rt.send(from, {
              type: "QuorumGetReply",
              requestId: msg.requestId,
              key: msg.key,
              ...get(msg.key),
            });
            return;
          case "QuorumPutAck": {
            const hint = offered.get(msg.requestId);
            if (hint === undefined) return;
            offered.delete(msg.requestId);
            hints = hints.filter((h) => h !== hint);
            rt.storage.set(HINTS_KEY, hints);
            return;
          }
          case "QuorumGetReply":
            return;
          case "QuorumSync":
            for (const [key, value, version] of msg.entries) apply(key, value, version);
            if (!msg.reply) rt.send(from, { type: "QuorumSync", reply: true, entries: entries() });
            return;
          default: {
            const never: never = msg;
            throw new TypeError(`quorumReplica cannot handle ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer(tag) {
        if (tag === "anti-entropy") {
          const others = (options.ring ?? []).filter((id) => id !== rt.id);
          if (others.length > 0) {
            rt.send(rt.random.pick(others), {
              type: "QuorumSync",
              reply: false,
              entries: entries(),
            });
          }
          rt.setTimer(antiEntropyMs, "anti-entropy");
          return;
        }
        // Dynamo §4.6: a node holding hinted writes keeps offering them to their owner, and
        // deletes a hint once the owner has it.
        offered.clear();
        for (const hint of hints) {
          handoffId--;
          offered.set(handoffId, hint);
          rt.send(hint.owner, {
            type: "QuorumPut",
            requestId: handoffId,
            key: hint.key,
            value: hint.value,
            version: hint.version,
          });
        }
        rt.setTimer(handoffMs, "handoff");
      },
    };
  };
}

/** One scripted operation of a quorum client. */
export interface QuorumOp {
  atMs: number;
  f: "read" | "write";
  key: string;
  /** For writes: unique per write. */
  value?: number;
}

/** What a client saw for one operation. */
export interface QuorumSessionOp {
  process: number;
  f: "read" | "write";
  key: string;
  value: number | null;
  outcome: "ok" | "fail" | "unknown";
  version: ReplicaVersion | null;
  invokeMs: number;
  completeMs: number;
  /** Replies or acks counted from fallback nodes (a sloppy quorum). */
  fromFallbacks: number;
}

/** A running quorum client, for inspection. */
export interface QuorumClientProcess extends Process<QuorumMessage> {
  readonly kind: "quorum-client";
  readonly sessions: readonly QuorumSessionOp[];
}

/** Options of {@linkcode quorumClient}. */
export interface QuorumClientOptions extends QuorumOptions {
  process: number;
  /** The replicas, in ring order. */
  ring: readonly NodeId[];
  ops: readonly QuorumOp[];
  /** Each phase waits this long (sloppy quorums: twice, the second time on fallbacks). @default 100 */
  timeoutMs?: number;
}

/**
 * A process factory for a scripted quorum client (its own coordinator, as in Dynamo's
 * client-driven coordination, §6.4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { quorumClient, quorumReplica } from "./quorum.ts";
 * const ring = ["n1", "n2", "n3"];
 * const sim = new Simulation({ seed: 1 });
 * for (const id of ring) sim.addNode(id, quorumReplica());
 * sim.addNode("c1", quorumClient({ process: 1, ring, ops: [
 *   { atMs: 1, f: "write", key: "x", value: 4 }, { atMs: 2, f: "read", key: "x" },
 * ] }));
 * sim.run({ untilMs: 100 });
 * assert.deepEqual(sim.history.at(-1), { process: 1, type: "ok", f: "read", key: "x", value: 4 });
 * ```
 */
export function quorumClient(
  options: QuorumClientOptions,
): ProcessFactory<QuorumMessage, QuorumClientProcess> {
  const timeoutMs = options.timeoutMs ?? 100;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`quorumClient option timeoutMs must be > 0, got ${timeoutMs}`);
  }
  return (rt: Runtime<QuorumMessage>) => {
    const coordinator = new QuorumCoordinator(rt.id, options.ring, options);
    const sessions: QuorumSessionOp[] = [];
    let next = 0;
    let invokeMs = 0;
    let timer = -1;
    const scheduleNext = () => {
      if (next < options.ops.length) {
        rt.setTimer(Math.max(0, options.ops[next].atMs - rt.monotonic()), "issue");
      }
    };
    const flush = () => {
      const ready = coordinator.ready();
      for (const { to, msg } of ready.messages) rt.send(to, msg);
      const result = ready.result;
      if (result === null) {
        if (coordinator.busy && ready.messages.length > 0) {
          rt.cancelTimer(timer);
          timer = rt.setTimer(timeoutMs, "timeout");
        }
        return;
      }
      rt.cancelTimer(timer);
      const op = options.ops[next];
      rt.recordOp({
        process: options.process,
        type: result.outcome === "unknown" ? "info" : result.outcome,
        f: op.f,
        key: op.key,
        ...(op.f === "write"
          ? { value: op.value }
          : result.outcome === "ok"
          ? { value: result.value }
          : {}),
      });
      sessions.push({
        process: options.process,
        f: op.f,
        key: op.key,
        value: result.value,
        outcome: result.outcome,
        version: result.version,
        invokeMs,
        completeMs: rt.monotonic(),
        fromFallbacks: result.fromFallbacks,
      });
      next++;
      scheduleNext();
    };
    return {
      kind: "quorum-client",
      sessions,
      onStart: scheduleNext,
      onMessage(from, msg) {
        coordinator.step(from, msg);
        flush();
      },
      onTimer(tag) {
        if (tag === "timeout") {
          coordinator.timeout();
          return flush();
        }
        const op = options.ops[next];
        invokeMs = rt.monotonic();
        rt.recordOp({
          process: options.process,
          type: "invoke",
          f: op.f,
          key: op.key,
          ...(op.f === "write" ? { value: op.value } : {}),
        });
        if (op.f === "write") coordinator.write(op.key, op.value ?? 0, rt.now());
        else coordinator.read(op.key);
        flush();
      },
    };
  };
}
