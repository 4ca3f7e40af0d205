/**
 * Multi-leader replication: every replica accepts writes locally, acknowledges at once and
 * replicates asynchronously, so concurrent writes to one key conflict. How they are resolved is
 * a pluggable {@linkcode MergeStrategy} (DDIA ch. 5, "Handling Write Conflicts"):
 *
 * - {@linkcode lwwStrategy}: last writer wins on a `(wall clock, replica)` stamp — converges,
 *   but silently drops every concurrent write but one;
 * - {@linkcode siblingsStrategy}: version vectors keep concurrent writes as siblings that a
 *   client resolves by writing with the context it read (Dynamo §4.4);
 * - {@linkcode counterStrategy}: a G-Counter-style merge (Shapiro et al., "Conflict-free
 *   Replicated Data Types", §3.1.2) for increments, where no write is lost. It is a tiny local
 *   state for this module; the full CRDT library lives in `src/crdt`.
 *
 * Every strategy's `merge` is commutative, associative and idempotent (tested), so replicas that
 * have seen the same writes hold the same state whatever the order of delivery.
 * Non-goals: causal delivery, conflict detection on anything but single keys.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../sim/mod.ts";
import { compareLwwStamps, type LwwValue } from "../clocks/lww.ts";
import {
  contextOf,
  mergeVersioned,
  putVersioned,
  type Versioned,
} from "../clocks/version_vector.ts";

// Replica ids are any strings: read own entries only (an id like "constructor" must not find
// Object.prototype's member) and define entries rather than assign them (assigning "__proto__"
// sets the prototype in browsers, and the entry vanishes).
function own(map: Readonly<Record<string, number>>, id: string): number {
  return Object.hasOwn(map, id) ? map[id] : 0;
}

function define(map: Record<string, number>, id: string, value: number): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true });
}

/** How a multi-leader store merges concurrent states of one key. */
export interface MergeStrategy<S> {
  readonly name: string;
  /** The state of a key nobody wrote. */
  initial(): S;
  /** A local write of `value` at `replica` whose wall clock reads `nowMs`. */
  write(state: S, value: number, meta: { replica: NodeId; nowMs: number }): S;
  /** Combines two replicas' states (commutative, associative, idempotent). */
  merge(a: S, b: S): S;
  /** The values a read returns: one, or several siblings. */
  read(state: S): number[];
}

/** Last-writer-wins state: the winning value and its stamp, or null. */
export type LwwState = LwwValue<number> | null;

/**
 * Last writer wins on `(nowMs, 0, replica)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lwwStrategy } from "./multi_leader.ts";
 * const a = lwwStrategy.write(null, 1, { replica: "r1", nowMs: 10 });
 * const b = lwwStrategy.write(null, 2, { replica: "r2", nowMs: 12 });
 * assert.deepEqual(lwwStrategy.read(lwwStrategy.merge(a, b)), [2]); // write 1 is silently gone
 * ```
 */
export const lwwStrategy: MergeStrategy<LwwState> = {
  name: "lww",
  initial: () => null,
  write: (_state, value, { replica, nowMs }) => ({
    value,
    stamp: { l: nowMs, c: 0, node: replica },
  }),
  merge: (
    a,
    b,
  ) => (a === null ? b : b === null ? a : compareLwwStamps(a.stamp, b.stamp) >= 0 ? a : b),
  read: (state) => (state === null ? [] : [state.value]),
};

/**
 * Siblings with version vectors: a write replaces what its replica had seen; concurrent
 * writes survive side by side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { siblingsStrategy as s } from "./multi_leader.ts";
 * const a = s.write(s.initial(), 1, { replica: "r1", nowMs: 0 });
 * const b = s.write(s.initial(), 2, { replica: "r2", nowMs: 0 });
 * const both = s.merge(a, b);
 * assert.deepEqual(s.read(both).sort(), [1, 2]);
 * // A client that read both resolves them by writing with that context.
 * assert.deepEqual(s.read(s.write(both, 3, { replica: "r1", nowMs: 0 })), [3]);
 * ```
 */
export const siblingsStrategy: MergeStrategy<Versioned<number>[]> = {
  name: "siblings",
  initial: () => [],
  write: (state, value, { replica }) =>
    putVersioned(state, value, { replica, context: contextOf(state) }),
  merge: (a, b) => mergeVersioned(a, b),
  read: (state) => state.map((v) => v.value),
};

/** G-Counter state: per replica, the sum of its increments. */
export type CounterState = Readonly<Record<NodeId, number>>;

/**
 * A grow-only counter: a write of `value` adds it at the writing replica; merge takes each
 * replica's maximum; a read is the sum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { counterStrategy as c } from "./multi_leader.ts";
 * const a = c.write(c.initial(), 2, { replica: "r1", nowMs: 0 });
 * const b = c.write(c.initial(), 3, { replica: "r2", nowMs: 0 });
 * assert.deepEqual(c.read(c.merge(a, c.merge(a, b))), [5]);
 * ```
 */
export const counterStrategy: MergeStrategy<CounterState> = {
  name: "counter",
  initial: () => ({}),
  write: (state, value, { replica }) => {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new RangeError(
        `A G-Counter only grows: increment must be an integer >= 0, got ${value}`,
      );
    }
    return { ...state, [replica]: own(state, replica) + value };
  },
  merge: (a, b) => {
    const out: Record<NodeId, number> = { ...a };
    for (const [replica, count] of Object.entries(b)) {
      define(out, replica, Math.max(own(out, replica), count));
    }
    return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  },
  read: (state) => [Object.values(state).reduce((sum, n) => sum + n, 0)],
};

/** Messages of a multi-leader store. */
export type MultiLeaderMessage =
  | { type: "LeaderPut"; requestId: number; key: string; value: number }
  | { type: "LeaderPutAck"; requestId: number }
  | { type: "LeaderGet"; requestId: number; key: string }
  | { type: "LeaderGetReply"; requestId: number; values: number[] }
  /** Replication and anti-entropy: states of some keys, merged on arrival. */
  | { type: "LeaderReplicate"; states: [key: string, state: unknown][] };

/** A running multi-leader replica, for inspection. */
export interface MultiLeaderProcess extends Process<MultiLeaderMessage> {
  readonly kind: "multi-leader";
  /** What a read of `key` returns here. */
  read(key: string): number[];
}

/** Options of {@linkcode multiLeaderReplica}. */
export interface MultiLeaderOptions<S> {
  strategy: MergeStrategy<S>;
  /** Every replica, this one included. */
  replicas: readonly NodeId[];
  /** Every this many ms, send all keys' states to every other replica (heals partitions). @default 100 */
  gossipMs?: number;
}

/**
 * A process factory for one leader of a multi-leader store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { counterStrategy, type MultiLeaderMessage, multiLeaderReplica, type MultiLeaderProcess } from "./multi_leader.ts";
 * const replicas = ["r1", "r2"];
 * const sim = new Simulation<MultiLeaderMessage>({ seed: 1 });
 * for (const id of replicas) sim.addNode(id, multiLeaderReplica({ strategy: counterStrategy, replicas }));
 * sim.addNode("c", (rt) => ({
 *   onStart() {
 *     rt.send("r1", { type: "LeaderPut", requestId: 1, key: "k", value: 2 });
 *     rt.send("r2", { type: "LeaderPut", requestId: 2, key: "k", value: 3 });
 *   },
 *   onMessage() {},
 * }));
 * sim.run({ untilMs: 300 });
 * assert.deepEqual((sim.processOf("r2") as MultiLeaderProcess).read("k"), [5]);
 * ```
 */
export function multiLeaderReplica<S>(
  options: MultiLeaderOptions<S>,
): ProcessFactory<MultiLeaderMessage, MultiLeaderProcess> {
  const gossipMs = options.gossipMs ?? 100;
  if (!(gossipMs > 0)) {
    throw new RangeError(`multiLeaderReplica option gossipMs must be > 0, got ${gossipMs}`);
  }
  const { strategy } = options;
  return (rt: Runtime<MultiLeaderMessage>) => {
    const states = new Map<string, S>();
    const stateOf = (key: string) => states.get(key) ?? strategy.initial();
    const others = () => options.replicas.filter((id) => id !== rt.id);
    return {
      kind: "multi-leader",
      read: (key) => strategy.read(stateOf(key)),
      onStart() {
        rt.setTimer(gossipMs, "gossip");
      },
      onMessage(from, msg) {
        switch (msg.type) {
          case "LeaderPut": {
            const next = strategy.write(stateOf(msg.key), msg.value, {
              replica: rt.id,
              nowMs: rt.now(),
            });
            states.set(msg.key, next);
            // Acknowledged before any other leader has it: the asynchrony that makes conflicts.
            rt.send(from, { type: "LeaderPutAck", requestId: msg.requestId });
            for (const peer of others()) {
              rt.send(peer, { type: "LeaderReplicate", states: [[msg.key, next]] });
            }
            return;
          }
          case "LeaderGet":
            rt.send(from, {
              type: "LeaderGetReply",
              requestId: msg.requestId,
              values: strategy.read(stateOf(msg.key)),
            });
            return;
          case "LeaderReplicate":
            for (const [key, state] of msg.states) {
              states.set(key, strategy.merge(stateOf(key), state as S));
            }
            return;
          case "LeaderPutAck":
          case "LeaderGetReply":
            return;
          default: {
            const never: never = msg;
            throw new TypeError(`multiLeaderReplica cannot handle ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer() {
        const all = [...states.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        if (all.length > 0) {
          for (const peer of others()) rt.send(peer, { type: "LeaderReplicate", states: all });
        }
        rt.setTimer(gossipMs, "gossip");
      },
    };
  };
}
