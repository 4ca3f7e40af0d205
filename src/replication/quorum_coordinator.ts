/**
 * A Dynamo-style quorum coordinator as a pure state machine (Step/Ready): it runs one client
 * operation at a time against the N replicas of a key's preference list, waiting for W write
 * acknowledgements or R read replies.
 *
 * Source: DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store", §4.5 (N, R, W;
 * the preference list), §4.6 (sloppy quorum and hinted handoff), §4.7 (read repair); and
 * Attiya, Bar-Noy and Dolev, "Sharing Memory Robustly in Message-Passing Systems" (ABD): a
 * read writes back the value it returns to a quorum before returning, and a multi-writer
 * write first reads the highest version from a quorum (Lynch and Shvartsman's extension).
 *
 * Guarantees: with `writeVersions: "read-first"`, `readRepair: "sync"`, a strict quorum and
 * R + W > N, every history is linearizable (ABD) under crashes, loss and partitions — minority
 * sides then wait or fail. Every other setting trades that away for latency or availability;
 * the experiments and the search show how (`first-reply` reads, sloppy quorums counted as
 * strict, asynchronous read repair, clock versions under concurrency).
 * Non-goals: vector-clock siblings (Dynamo §4.4; see `multi_leader.ts`), membership changes.
 *
 * @module
 */

import { hashLabel } from "../sim/random.ts";
import type { NodeId } from "../sim/mod.ts";
import { compareVersions, NO_VERSION, type ReplicaVersion } from "./versions.ts";

/** Messages between coordinators and quorum replicas. */
export type QuorumMessage =
  | {
    type: "QuorumPut";
    requestId: number;
    key: string;
    value: number | null;
    version: ReplicaVersion;
    /** Sloppy quorum: the replica this write is held for (hinted handoff, Dynamo §4.6). */
    hintFor?: NodeId;
  }
  | { type: "QuorumPutAck"; requestId: number; key: string }
  | { type: "QuorumGet"; requestId: number; key: string }
  | {
    type: "QuorumGetReply";
    requestId: number;
    key: string;
    value: number | null;
    version: ReplicaVersion;
  }
  /** Anti-entropy between replicas: the sender's whole map; the receiver answers with its own. */
  | {
    type: "QuorumSync";
    reply: boolean;
    entries: [key: string, value: number | null, version: ReplicaVersion][];
  };

/** How a read picks its answer: the newest version of R replies, or (broken) the first reply. */
export type ReadChoice = "newest" | "first-reply";
/** Read repair: none, fire-and-forget (Dynamo §4.7), or written back before returning (ABD). */
export type ReadRepair = "none" | "async" | "sync";
/** Write versions: the coordinator's clock (Cassandra-style), or one above a quorum's newest (ABD). */
export type WriteVersions = "clock" | "read-first";

/** Options of a {@linkcode QuorumCoordinator}. */
export interface QuorumOptions {
  /** Replicas per key. @default 3 */
  n?: number;
  /** Replies a read waits for. @default 2 */
  r?: number;
  /** Acknowledgements a write waits for. @default 2 */
  w?: number;
  /** Count writes to fallback nodes (hinted handoff) towards W and reads from them towards R. @default false */
  sloppy?: boolean;
  /** @default "sync" */
  readRepair?: ReadRepair;
  /** @default "read-first" */
  writeVersions?: WriteVersions;
  /** @default "newest" */
  readChoice?: ReadChoice;
  /**
   * Replaces how a read picks its answer from R replies (the quorum lab plugs a learner's code in
   * here). @default the newest version, by {@linkcode compareVersions}
   */
  choose?: (replies: readonly QuorumReply[]) => QuorumReply;
}

/** One replica's answer to a read, as a read-choice rule sees it. */
export interface QuorumReply {
  node: NodeId;
  value: number | null;
  version: ReplicaVersion;
}

/**
 * The reply a read returns: the newest version, whatever order the replies arrived in
 * (Dynamo §4.4). Its own function so a workshop fork can run the learner's quorum lab here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newestQuorumReply, staleQuorumNodes } from "./quorum_coordinator.ts";
 * const replies = [
 *   { node: "a", value: 2, version: { counter: 2, writer: "w" } },
 *   { node: "b", value: 1, version: { counter: 1, writer: "w" } },
 * ];
 * assert.equal(newestQuorumReply(replies).node, "a");
 * assert.deepEqual(staleQuorumNodes(replies, replies[0]), ["b"]);
 * ```
 */
export function newestQuorumReply(replies: readonly QuorumReply[]): QuorumReply {
  return replies.reduce((a, b) => compareVersions(b.version, a.version) > 0 ? b : a);
}

/** The nodes that answered with an older version than the chosen one: read repair's targets. */
export function staleQuorumNodes(
  replies: readonly QuorumReply[],
  chosen: QuorumReply,
): NodeId[] {
  return replies.filter((r) => compareVersions(r.version, chosen.version) < 0).map((r) => r.node);
}

/** Options with their defaults filled in. */
export type ResolvedQuorumOptions = Required<Omit<QuorumOptions, "choose">>;

/**
 * Fills in and validates quorum options; a RangeError names the option and its range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveQuorumOptions } from "./quorum_coordinator.ts";
 * assert.equal(resolveQuorumOptions({ n: 5 }, 5).w, 2);
 * assert.throws(() => resolveQuorumOptions({ n: 3, r: 4 }, 5), /option r must be an integer in \[1, 3\]/);
 * ```
 */
export function resolveQuorumOptions(
  options: QuorumOptions,
  ringSize: number,
): ResolvedQuorumOptions {
  const n = options.n ?? 3;
  if (!(Number.isInteger(n) && n >= 1 && n <= ringSize)) {
    throw new RangeError(`Quorum option n must be an integer in [1, ${ringSize}], got ${n}`);
  }
  const r = options.r ?? 2;
  const w = options.w ?? 2;
  for (const [name, value] of [["r", r], ["w", w]] as const) {
    if (!(Number.isInteger(value) && value >= 1 && value <= n)) {
      throw new RangeError(`Quorum option ${name} must be an integer in [1, ${n}], got ${value}`);
    }
  }
  const readRepair = options.readRepair ?? "sync";
  if (!["none", "async", "sync"].includes(readRepair)) {
    throw new RangeError(`Quorum option readRepair must be none, async or sync, got ${readRepair}`);
  }
  const writeVersions = options.writeVersions ?? "read-first";
  if (writeVersions !== "clock" && writeVersions !== "read-first") {
    throw new RangeError(
      `Quorum option writeVersions must be clock or read-first, got ${writeVersions}`,
    );
  }
  const readChoice = options.readChoice ?? "newest";
  if (readChoice !== "newest" && readChoice !== "first-reply") {
    throw new RangeError(
      `Quorum option readChoice must be newest or first-reply, got ${readChoice}`,
    );
  }
  return { n, r, w, sloppy: options.sloppy ?? false, readRepair, writeVersions, readChoice };
}

/**
 * A key's preference list (Dynamo §4.3): the `n` ring members from the key's hash on, followed by
 * the rest of the ring in order as fallbacks for a sloppy quorum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preferenceList } from "./quorum_coordinator.ts";
 * const list = preferenceList("x", ["n1", "n2", "n3", "n4"]);
 * assert.equal(list.length, 4);
 * assert.deepEqual([...list].sort(), ["n1", "n2", "n3", "n4"]);
 * ```
 */
export function preferenceList(key: string, ring: readonly NodeId[]): NodeId[] {
  const start = hashLabel(key) % ring.length;
  return ring.map((_, i) => ring[(start + i) % ring.length]);
}

/** The result of one coordinated operation. */
export interface QuorumResult {
  f: "read" | "write";
  key: string;
  outcome: "ok" | "fail" | "unknown";
  value: number | null;
  version: ReplicaVersion | null;
  /** Replies or acks that came from fallback nodes (sloppy quorum). */
  fromFallbacks: number;
}

/** Output of the coordinator: messages to send and, once, the operation's result. */
export interface QuorumReady {
  messages: { to: NodeId; msg: QuorumMessage }[];
  result: QuorumResult | null;
}

type Phase = "query" | "store" | "repair";

interface Operation {
  f: "read" | "write";
  key: string;
  value: number | null;
  phase: Phase;
  requestId: number;
  /** Who was asked in this phase, and whether they are fallbacks holding a hint. */
  asked: Map<NodeId, NodeId | null>;
  replies: Map<NodeId, { value: number | null; version: ReplicaVersion }>;
  acks: Set<NodeId>;
  extended: boolean;
  chosen: { value: number | null; version: ReplicaVersion } | null;
}

/**
 * One client's coordinator. Call `write` or `read`, then feed replies to `step` and the
 * caller's operation timer to `timeout`, draining `ready()` after each call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { QuorumCoordinator } from "./quorum_coordinator.ts";
 * const c = new QuorumCoordinator("c1", ["a", "b", "c"], { n: 3, r: 2, w: 2, writeVersions: "clock" });
 * c.write("x", 5, 10);
 * const puts = c.ready().messages;
 * assert.equal(puts.length, 3);
 * for (const { to, msg } of puts.slice(0, 2)) {
 *   c.step(to, { type: "QuorumPutAck", requestId: (msg as { requestId: number }).requestId, key: "x" });
 * }
 * assert.equal(c.ready().result?.outcome, "ok");
 * ```
 */
export class QuorumCoordinator {
  readonly id: NodeId;
  readonly options: ResolvedQuorumOptions;
  #ring: readonly NodeId[];
  #choose: ((replies: readonly QuorumReply[]) => QuorumReply) | null;
  #nextRequestId = 1;
  #op: Operation | null = null;
  #ready: QuorumReady = { messages: [], result: null };

  constructor(id: NodeId, ring: readonly NodeId[], options: QuorumOptions = {}) {
    if (ring.length === 0) throw new RangeError("QuorumCoordinator ring must not be empty");
    this.id = id;
    this.#ring = [...ring];
    this.options = resolveQuorumOptions(options, ring.length);
    this.#choose = options.choose ?? null;
  }

  /** Whether an operation is in progress. */
  get busy(): boolean {
    return this.#op !== null;
  }

  /** Drains pending output. */
  ready(): QuorumReady {
    const out = this.#ready;
    this.#ready = { messages: [], result: null };
    return out;
  }

  /** Starts a write; `nowMs` is the coordinator's clock, used by `clock` versions. */
  write(key: string, value: number, nowMs: number): void {
    const op = this.#begin("write", key, value);
    if (this.options.writeVersions === "read-first") return this.#startPhase(op, "query");
    op.chosen = { value, version: { counter: nowMs, writer: this.id } };
    this.#startPhase(op, "store");
  }

  /** Starts a read. */
  read(key: string): void {
    this.#startPhase(this.#begin("read", key, null), "query");
  }

  /**
   * The operation timer fired. A sloppy quorum first widens the phase to fallback nodes
   * (Dynamo §4.6); otherwise the operation gives up: a write's outcome is then unknown (some
   * replicas may hold it), a read simply failed.
   */
  timeout(): void {
    const op = this.#op;
    if (op === null) return;
    if (this.options.sloppy && !op.extended) {
      op.extended = true;
      this.#askFallbacks(op);
      return;
    }
    this.#finish(op.f === "write" || op.phase === "repair" ? "unknown" : "fail");
  }

  /** Handles a replica's reply. */
  step(from: NodeId, msg: QuorumMessage): void {
    const op = this.#op;
    if (op === null || !("requestId" in msg) || msg.requestId !== op.requestId) return;
    if (!op.asked.has(from)) return;
    switch (msg.type) {
      case "QuorumGetReply":
        if (op.phase !== "query" || op.replies.has(from)) return;
        op.replies.set(from, { value: msg.value, version: msg.version });
        return this.#afterReply(op, from);
      case "QuorumPutAck":
        if (op.phase === "query") return;
        op.acks.add(from);
        return this.#afterAck(op);
      case "QuorumPut":
      case "QuorumGet":
        return;
      default: {
        const never: never = msg;
        throw new TypeError(`QuorumCoordinator cannot handle ${JSON.stringify(never)}`);
      }
    }
  }

  #begin(f: "read" | "write", key: string, value: number | null): Operation {
    if (this.#op !== null) {
      throw new RangeError(`QuorumCoordinator ${this.id} already runs a ${this.#op.f}`);
    }
    this.#op = {
      f,
      key,
      value,
      phase: "query",
      requestId: 0,
      asked: new Map(),
      replies: new Map(),
      acks: new Set(),
      extended: false,
      chosen: null,
    };
    return this.#op;
  }

  #startPhase(op: Operation, phase: Phase): void {
    op.phase = phase;
    op.requestId = this.#nextRequestId++;
    op.asked = new Map();
    op.replies = new Map();
    op.acks = new Set();
    op.extended = false;
    for (const node of preferenceList(op.key, this.#ring).slice(0, this.options.n)) {
      op.asked.set(node, null);
      this.#send(op, node, null);
    }
  }

  #send(op: Operation, to: NodeId, hintFor: NodeId | null): void {
    const msg: QuorumMessage = op.phase === "query"
      ? { type: "QuorumGet", requestId: op.requestId, key: op.key }
      : {
        type: "QuorumPut",
        requestId: op.requestId,
        key: op.key,
        value: op.chosen!.value,
        version: op.chosen!.version,
        ...(hintFor === null ? {} : { hintFor }),
      };
    this.#ready.messages.push({ to, msg });
  }

  // Dynamo §4.6: each preference-list node that has not answered is stood in for by the next
  // healthy node on the ring, which keeps the write with a hint naming the intended owner.
  #askFallbacks(op: Operation): void {
    const list = preferenceList(op.key, this.#ring);
    const fallbacks = list.slice(this.options.n);
    const answered = (node: NodeId) =>
      op.phase === "query" ? op.replies.has(node) : op.acks.has(node);
    const missing = list.slice(0, this.options.n).filter((node) => !answered(node));
    for (const owner of missing) {
      const stand = fallbacks.shift();
      if (stand === undefined) break;
      op.asked.set(stand, owner);
      this.#send(op, stand, owner);
    }
  }

  #fallbackCount(op: Operation, nodes: Iterable<NodeId>): number {
    let count = 0;
    for (const node of nodes) if (op.asked.get(node) !== null) count++;
    return count;
  }

  #afterReply(op: Operation, from: NodeId): void {
    const replies = [...op.replies.values()];
    if (this.options.readChoice === "first-reply" && op.f === "read" && replies.length === 1) {
      // The broken variant: whatever arrives first is the answer, stale or not.
      op.chosen = op.replies.get(from)!;
      return this.#complete(op);
    }
    if (replies.length < this.options.r) return;
    const withNodes = [...op.replies].map(([node, r]) => ({ node, ...r }));
    // The reply itself, not the copy with its node, so the operation's result is unchanged.
    const newest = this.#choose === null
      ? op.replies.get(newestQuorumReply(withNodes).node)!
      : this.#choose(withNodes);
    if (op.f === "write") {
      // ABD write, phase 1: one above the highest version a quorum has seen.
      op.chosen = {
        value: op.value,
        version: { counter: Math.floor(newest.version.counter) + 1, writer: this.id },
      };
      return this.#startPhase(op, "store");
    }
    op.chosen = newest;
    this.#complete(op);
  }

  #complete(op: Operation): void {
    const chosen = op.chosen!;
    const stale = staleQuorumNodes(
      [...op.replies].map(([node, r]) => ({ node, ...r })),
      { node: this.id, ...chosen },
    );
    const repair = this.options.readRepair;
    if (
      repair === "none" || chosen.version.counter === NO_VERSION.counter ||
      (stale.length === 0 && repair === "async")
    ) {
      return this.#finish("ok");
    }
    if (repair === "async") {
      // Dynamo §4.7: repair the stale replicas that answered, without waiting.
      const requestId = this.#nextRequestId++;
      for (const node of stale) {
        this.#ready.messages.push({
          to: node,
          msg: {
            type: "QuorumPut",
            requestId,
            key: op.key,
            value: chosen.value,
            version: chosen.version,
          },
        });
      }
      return this.#finish("ok");
    }
    // ABD: write the value back to a quorum before returning it, so no later read can
    // return an older one (this is what makes R + W > N reads linearizable).
    const fresh = [...op.replies].filter(([, r]) =>
      compareVersions(r.version, chosen.version) >= 0
    );
    this.#startPhase(op, "repair");
    for (const [node] of fresh) if (op.asked.has(node)) op.acks.add(node);
    this.#afterAck(op);
  }

  #afterAck(op: Operation): void {
    if (op.acks.size < this.options.w) return;
    this.#finish("ok");
  }

  #finish(outcome: "ok" | "fail" | "unknown"): void {
    const op = this.#op!;
    const counted = op.phase === "query" ? op.replies.keys() : op.acks.values();
    this.#ready.result = {
      f: op.f,
      key: op.key,
      outcome,
      value: outcome === "ok" ? (op.f === "write" ? op.value : op.chosen?.value ?? null) : null,
      version: outcome === "ok" ? op.chosen?.version ?? null : null,
      fromFallbacks: this.#fallbackCount(op, counted),
    };
    this.#op = null;
  }
}
