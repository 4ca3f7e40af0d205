/**
 * A simulated machine: the process it runs, its clock, durable storage, random stream and
 * the state the kernel keeps for it (membership, incarnation, busy time, live timers).
 *
 * Invariants (always checked where the kernel relies on them): a crashed node runs nothing
 * (no message or timer reaches a node that is down), and a node starts only when stopped.
 *
 * @module
 */

import { assertInvariant } from "./assert.ts";
import type { NodeClock } from "./clock.ts";
import type { Random } from "./random.ts";
import type { Trace } from "./trace.ts";
import type {
  ByzantineBehaviour,
  DurableStorage,
  Message,
  NodeId,
  OpEvent,
  Process,
  ProcessFactory,
  Runtime,
} from "./types.ts";

/** Storage that survives crashes; values are deep-copied in and out, as a disk would. */
export class MemoryStorage implements DurableStorage {
  #data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const value = this.#data.get(key);
    return value === undefined ? undefined : copyDurable(value) as T;
  }
  set(key: string, value: unknown): void {
    this.#data.set(key, copyDurable(value));
  }
  delete(key: string): void {
    this.#data.delete(key);
  }
  keys(): string[] {
    return [...this.#data.keys()].sort();
  }
}

/** Nesting beyond which {@linkcode copyDurable} hands over to `structuredClone` (cycles). */
const PLAIN_COPY_DEPTH = 32;

/**
 * Deep-copies a stored value. Processes persist plain data (numbers, strings, arrays, plain
 * objects: terms, votes, log entries), which a recursive copy handles several times faster
 * than `structuredClone` (15–22% of a Raft run's CPU went there); anything else (a Map, a
 * Date, a class instance, a deep or cyclic structure) goes to `structuredClone`, so the
 * result is the same as before.
 */
function copyDurable(value: unknown, depth = 0): unknown {
  // Functions and symbols cannot be stored: structuredClone throws, as it did before.
  if (typeof value === "function" || typeof value === "symbol") return structuredClone(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth > PLAIN_COPY_DEPTH) return structuredClone(value);
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyDurable(value[i], depth + 1);
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    copy[key] = copyDurable((value as Record<string, unknown>)[key], depth + 1);
  }
  return copy;
}

/** The kernel's record of one node, before its runtime is attached. */
export interface HostState<M extends Message, P extends Process<M>> {
  readonly id: NodeId;
  readonly factory: ProcessFactory<M, P>;
  /** The running process; null while the node is down (crashed, left or not yet started). */
  process: P | null;
  /** Running: set before the factory runs, so a process may send from its constructor. */
  up: boolean;
  member: boolean;
  /** Bumped at each start, so timers set by an earlier incarnation never fire. */
  incarnation: number;
  readonly clock: NodeClock;
  readonly storage: MemoryStorage;
  readonly random: Random;
  readonly config: Readonly<Record<string, unknown>>;
  processingMs: number;
  busyUntilMs: number;
  readonly liveTimers: Set<number>;
  /** The adversary's behaviour once a `byzantine` fault hit the node; absent while correct. */
  byzantine?: ByzantineBehaviour;
}

/** A node with the runtime its processes are given. */
export interface Host<M extends Message, P extends Process<M>> extends HostState<M, P> {
  readonly runtime: Runtime<M>;
}

/**
 * The process of a node the kernel is about to run code on.
 *
 * @throws {InvariantError} when the node is down: a crashed node runs nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runningProcess } from "./host.ts";
 * const process = { onMessage() {} };
 * assert.equal(runningProcess({ id: "n1", up: true, process }), process);
 * assert.throws(() => runningProcess({ id: "n1", up: false, process: null }), /crashed node runs nothing/);
 * ```
 */
export function runningProcess<P>(host: { id: NodeId; up: boolean; process: P | null }): P {
  const process = host.process;
  assertInvariant(host.up && process !== null, "a crashed node runs nothing");
  return process;
}

/** Runs a stopped node: a fresh process from its factory (volatile state new), then `onStart`. */
export function startHost<M extends Message, P extends Process<M>>(
  host: Host<M, P>,
  nowMs: number,
): P {
  assertInvariant(!host.up, "a node starts only when stopped");
  host.up = true;
  host.incarnation++;
  host.liveTimers.clear();
  host.busyUntilMs = nowMs;
  const process = host.factory(host.runtime);
  host.process = process;
  process.onStart?.();
  return process;
}

/** Stops a node: its process and pending timers are gone, durable storage stays. */
export function stopHost<M extends Message, P extends Process<M>>(host: HostState<M, P>): void {
  host.up = false;
  host.process = null;
  host.liveTimers.clear();
}

/** A timer on the agenda; it fires only in the incarnation that set it, and only if still live. */
export type TimerEvent = {
  timeMs: number;
  seq: number;
  kind: "timer";
  node: NodeId;
  incarnation: number;
  timerId: number;
  tag: string;
  data: unknown;
};

/** What a node's runtime reaches in the kernel. */
export interface RuntimeKernel<M extends Message> {
  readonly trace: Trace;
  /** Client operations, in real-time order. */
  readonly history: OpEvent[];
  /** Current true time in ms. */
  now(): number;
  /** Current members, sorted. */
  members(): readonly NodeId[];
  /** A fresh timer id (ids are global so a stale id never cancels another node's timer). */
  nextTimerId(): number;
  /** Puts a timer on the agenda. */
  schedule(timer: TimerEvent): void;
  /** Hands a message to the network, leaving at `departMs`. */
  send(from: NodeId, to: NodeId, msg: M, departMs: number): void;
  /** Injects a message claiming to come from `claimedFrom` (a Byzantine node's forgery). */
  forge(claimedFrom: NodeId, to: NodeId, msg: M): void;
}

/**
 * The runtime a node's processes are given: the whole interface between a protocol and the
 * world. A crashed node's leftover callbacks may still call it; their sends and timers are
 * ignored, since a crashed node runs nothing.
 */
export function makeRuntime<M extends Message, P extends Process<M>>(
  host: HostState<M, P>,
  kernel: RuntimeKernel<M>,
): Runtime<M> {
  const { trace, history } = kernel;
  return {
    id: host.id,
    peers: () => kernel.members().filter((id) => id !== host.id),
    now: () => host.clock.nowMs(kernel.now()),
    monotonic: () => host.clock.monotonicMs(kernel.now()),
    send: (to, msg) => {
      if (!host.up) return;
      // A slow node's sends leave when it finishes handling the current event.
      kernel.send(host.id, to, msg, Math.max(kernel.now(), host.busyUntilMs));
    },
    setTimer: (delayMs, tag, data) => setTimer(host, kernel, delayMs, tag, data),
    cancelTimer: (timerId) => void host.liveTimers.delete(timerId),
    storage: host.storage,
    random: host.random,
    config: host.config,
    log: (text) => {
      if (trace.enabled) trace.add({ t: kernel.now(), kind: "log", node: host.id, text });
    },
    state: (key, value) => {
      if (trace.enabled) trace.add({ t: kernel.now(), kind: "state", node: host.id, key, value });
    },
    recordOp: (op) => {
      const copy = { ...op };
      history.push(copy);
      if (trace.enabled) trace.add({ t: kernel.now(), kind: "op", node: host.id, op: copy });
    },
    adversary: () => {
      const behaviour = host.byzantine;
      if (behaviour === undefined) return null;
      return {
        behaviour,
        forge: (claimedFrom, to, msg) => {
          if (host.up) kernel.forge(claimedFrom, to, msg);
        },
      };
    },
  };
}

function setTimer<M extends Message, P extends Process<M>>(
  host: HostState<M, P>,
  kernel: RuntimeKernel<M>,
  delayMs: number,
  tag: string,
  data: unknown,
): number {
  if (!(delayMs >= 0 && Number.isFinite(delayMs))) {
    throw new RangeError(`setTimer delayMs must be a finite number >= 0, got ${delayMs}`);
  }
  const timerId = kernel.nextTimerId();
  if (!host.up) return timerId;
  host.liveTimers.add(timerId);
  kernel.schedule({
    // Timers run on the node's own clock, so a fast clock fires them early in true time.
    timeMs: kernel.now() + host.clock.trueDurationMs(delayMs),
    seq: 0,
    kind: "timer",
    node: host.id,
    incarnation: host.incarnation,
    timerId,
    tag,
    data,
  });
  return timerId;
}
