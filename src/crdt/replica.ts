/**
 * A CRDT replica as a pure state machine in the shape of `consensus/raft/node.ts`: local
 * updates (`update`), messages (`step`) and gossip rounds (`tick`) change it; the messages it
 * wants sent are pulled as data (`ready`). {@linkcode crdtReplicaProcess} is the thin adapter
 * onto the kernel's runtime.
 *
 * Dissemination: on change, a replica pushes to every peer either the delta-group of its
 * recent updates (mode `"delta"`, Almeida et al. 2018, §5, Algorithm 1 without acks) or its
 * whole state (mode `"state"`, Shapiro et al. 2011, §2.2). Pushes may be lost; every
 * `antiEntropyEvery` rounds it also sends its whole state to one peer, round robin, which is
 * the retransmission that makes delivery eventual: after a partition heals, every replica's
 * state reaches every other within a few rounds.
 *
 * Checker instrumentation: messages carry `updates`, the ids of the updates their payload
 * reflects, so a checker can tell which replicas "received the same updates" (strong eventual
 * consistency's premise). The CRDT never reads them.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory } from "../sim/mod.ts";
import { crdtStateKey, type CrdtType, type ReplicaId } from "./types.ts";

/** Replica-to-replica messages. */
export type CrdtMessage<S = unknown> =
  /** A join of recent deltas (a delta-group). */
  | { type: "Delta"; delta: S; updates: readonly number[] }
  /** A whole state (state-based push, or anti-entropy). */
  | { type: "State"; state: S; updates: readonly number[] };

/** Options of {@linkcode CrdtReplica}. */
export interface CrdtReplicaOptions {
  /** Push deltas or whole states on change. @default "delta" */
  mode?: "delta" | "state";
  /** Send the whole state to one peer every this many rounds (0: never). @default 4 */
  antiEntropyEvery?: number;
}

/** A message to send. */
export interface CrdtOutgoing<S> {
  to: NodeId;
  msg: CrdtMessage<S>;
}

/** What the replica asks its caller to do. */
export interface CrdtReady<S> {
  messages: CrdtOutgoing<S>[];
  /** Whether the state changed since the last `ready()` (persist it). */
  stateChanged: boolean;
}

/**
 * One replica of a CRDT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CrdtReplica, gCounter } from "./mod.ts";
 * const a = new CrdtReplica(gCounter(), "a"), b = new CrdtReplica(gCounter(), "b");
 * a.update({ type: "increment", by: 2 }, 1);
 * a.tick(["b"]);
 * for (const { msg } of a.ready().messages) b.step("a", msg);
 * assert.equal(b.value, 2);
 * assert.deepEqual([...b.seen], [1]);
 * ```
 */
export class CrdtReplica<S, O, V> {
  readonly type: CrdtType<S, O, V>;
  readonly id: ReplicaId;
  #state: S;
  #seen = new Set<number>();
  #buffer: S | null = null;
  #bufferUpdates = new Set<number>();
  #changed = false;
  #dirty = false;
  #round = 0;
  #mode: "delta" | "state";
  #antiEntropyEvery: number;
  #outbox: CrdtOutgoing<S>[] = [];

  constructor(
    type: CrdtType<S, O, V>,
    id: ReplicaId,
    options: CrdtReplicaOptions & { state?: S; seen?: Iterable<number> } = {},
  ) {
    this.type = type;
    this.id = id;
    this.#mode = options.mode ?? "delta";
    if (this.#mode !== "delta" && this.#mode !== "state") {
      throw new RangeError(
        `CrdtReplica: option mode must be "delta" or "state", got ${this.#mode}`,
      );
    }
    this.#antiEntropyEvery = options.antiEntropyEvery ?? 4;
    if (!Number.isInteger(this.#antiEntropyEvery) || this.#antiEntropyEvery < 0) {
      throw new RangeError(
        `CrdtReplica: option antiEntropyEvery must be an integer >= 0, got ${this.#antiEntropyEvery}`,
      );
    }
    this.#state = options.state ?? type.initial();
    for (const u of options.seen ?? []) this.#seen.add(u);
  }

  /** The replica's state. */
  get state(): S {
    return this.#state;
  }

  /** What a reader sees. */
  get value(): V {
    return this.type.value(this.#state);
  }

  /** Ids of the updates this state reflects (checker instrumentation). */
  get seen(): ReadonlySet<number> {
    return this.#seen;
  }

  /** Applies a local update; `updateId` names it for checkers. Returns the delta. */
  update(op: O, updateId: number): S {
    const delta = this.type.mutate(this.#state, op, this.id);
    this.#state = this.type.merge(this.#state, delta);
    this.#buffer = this.#buffer === null ? delta : this.type.merge(this.#buffer, delta);
    this.#seen.add(updateId);
    this.#bufferUpdates.add(updateId);
    this.#changed = true;
    this.#dirty = true;
    return delta;
  }

  /** Handles a message from a peer. */
  step(_from: NodeId, msg: CrdtMessage<S>): void {
    switch (msg.type) {
      case "Delta":
        this.#absorb(msg.delta, msg.updates);
        return;
      case "State":
        this.#absorb(msg.state, msg.updates);
        return;
      default: {
        const unknown: never = msg;
        throw new RangeError(`CrdtReplica: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  #absorb(payload: S, updates: readonly number[]): void {
    const before = crdtStateKey(this.#state);
    this.#state = this.type.merge(this.#state, payload);
    for (const u of updates) this.#seen.add(u);
    if (crdtStateKey(this.#state) !== before) this.#changed = true;
  }

  /** A gossip round: push what changed, and every few rounds the whole state to one peer. */
  tick(peers: readonly NodeId[]): void {
    this.#round++;
    if (peers.length === 0) return;
    if (this.#dirty) {
      const payload = this.#mode === "delta" ? this.#buffer! : this.#state;
      const updates = this.#mode === "delta" ? [...this.#bufferUpdates] : [...this.#seen];
      for (const to of peers) {
        this.#outbox.push({
          to,
          msg: this.#mode === "delta"
            ? { type: "Delta", delta: payload, updates }
            : { type: "State", state: payload, updates },
        });
      }
      this.#buffer = null;
      this.#bufferUpdates.clear();
      this.#dirty = false;
    }
    if (this.#antiEntropyEvery > 0 && this.#round % this.#antiEntropyEvery === 0) {
      const to = peers[(this.#round / this.#antiEntropyEvery) % peers.length];
      this.#outbox.push({
        to,
        msg: { type: "State", state: this.#state, updates: [...this.#seen] },
      });
    }
  }

  /** Drains what the caller must do: messages to send, whether to persist. */
  ready(): CrdtReady<S> {
    const out = { messages: this.#outbox, stateChanged: this.#changed };
    this.#outbox = [];
    this.#changed = false;
    return out;
  }
}

/** Options of {@linkcode crdtReplicaProcess}. */
export interface CrdtProcessOptions extends CrdtReplicaOptions {
  /** Time between gossip rounds, on the node's own clock. @default 10 */
  gossipMs?: number;
}

/** A running replica, as `sim.processOf(id)` returns it. */
export interface CrdtReplicaProcess<S, O, V> extends Process<CrdtMessage<S>> {
  readonly replica: CrdtReplica<S, O, V>;
  /** Applies a local update now (called by a workload driver). */
  update(op: O, updateId: number): void;
  /** Payload bytes this incarnation has sent (canonical JSON of states and deltas). */
  readonly payloadBytesSent: number;
}

const STATE_KEY = "crdt/state";
const SEEN_KEY = "crdt/seen";

/**
 * Runs a {@linkcode CrdtReplica} as a kernel process: gossips every `gossipMs`, persists its
 * state on change (a restart resumes from it; the unsent delta buffer is volatile and the
 * anti-entropy rounds repair its loss).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { type CounterOp, crdtReplicaProcess, gCounter, type GCounterState } from "./mod.ts";
 * import type { CrdtMessage, CrdtReplicaProcess } from "./mod.ts";
 * type P = CrdtReplicaProcess<GCounterState, CounterOp, number>;
 * const sim = new Simulation<CrdtMessage<GCounterState>, P>({ seed: 1 });
 * const factory = crdtReplicaProcess(gCounter());
 * for (const id of ["a", "b", "c"]) sim.addNode(id, factory);
 * sim.at(5, () => sim.processOf("a")!.update({ type: "increment" }, 1));
 * sim.run({ untilMs: 200 });
 * for (const id of ["a", "b", "c"]) assert.equal(sim.processOf(id)!.replica.value, 1);
 * ```
 */
export function crdtReplicaProcess<S, O, V>(
  type: CrdtType<S, O, V>,
  options: CrdtProcessOptions = {},
): ProcessFactory<CrdtMessage<S>, CrdtReplicaProcess<S, O, V>> {
  const gossipMs = options.gossipMs ?? 10;
  if (!(gossipMs > 0 && Number.isFinite(gossipMs))) {
    throw new RangeError(
      `crdtReplicaProcess: option gossipMs must be a number > 0, got ${gossipMs}`,
    );
  }
  return (rt) => {
    const replica = new CrdtReplica(type, rt.id, {
      mode: options.mode,
      antiEntropyEvery: options.antiEntropyEvery,
      state: rt.storage.get<S>(STATE_KEY),
      seen: rt.storage.get<number[]>(SEEN_KEY),
    });
    let payloadBytesSent = 0;
    const flush = () => {
      const ready = replica.ready();
      if (ready.stateChanged) {
        rt.storage.set(STATE_KEY, replica.state);
        rt.storage.set(SEEN_KEY, [...replica.seen]);
      }
      for (const { to, msg } of ready.messages) {
        payloadBytesSent += crdtStateKey(msg.type === "Delta" ? msg.delta : msg.state).length;
        rt.send(to, msg);
      }
    };
    return {
      replica,
      get payloadBytesSent() {
        return payloadBytesSent;
      },
      onStart() {
        rt.setTimer(gossipMs, "gossip");
      },
      onTimer(tag) {
        if (tag !== "gossip") return;
        replica.tick(rt.peers());
        flush();
        rt.setTimer(gossipMs, "gossip");
      },
      onMessage(from, msg) {
        replica.step(from, msg);
        flush();
      },
      update(op, updateId) {
        replica.update(op, updateId);
        flush();
      },
    };
  };
}
