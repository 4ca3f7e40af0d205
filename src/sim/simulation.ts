/**
 * The deterministic simulation kernel: virtual time, an agenda ordered by (time, sequence),
 * hosts running processes, a network with the fallacies' knobs, and a fault schedule. The link
 * model lives in `network.ts` ({@linkcode Network}), fault effects in `faults.ts`
 * ({@linkcode applyFault}), hosts in `host.ts`; this file runs the agenda and the runtime.
 *
 * Guarantees: the same seed, nodes, options and faults give a byte-identical trace, in Deno
 * and in the browser. Nothing here reads real time or platform randomness.
 * Limits: `maxEvents` and `maxTimeMs` bound every run; exceeding one throws
 * {@linkcode SimulationLimitError}.
 * Invariants, always checked (an {@linkcode InvariantError} names the one that broke): time
 * never goes backwards, a delivered message was sent, a crashed node runs nothing.
 * Non-goals: modelling CPU contention inside a node beyond a per-event processing time.
 *
 * @module
 */

import { assertInvariant } from "./assert.ts";
import { NodeClock } from "./clock.ts";
import type { ClockOptions } from "./clock.ts";
import { EventQueue } from "./event_queue.ts";
import type { Fault, FaultNow, FaultTarget } from "./faults.ts";
import { applyFault, validateFault } from "./faults.ts";
import { makeRuntime, MemoryStorage, runningProcess, startHost, stopHost } from "./host.ts";
import type { Host, HostState, RuntimeKernel, TimerEvent } from "./host.ts";
import { Network } from "./network.ts";
import type { Delivery, NetworkOptions, NetworkStats } from "./network.ts";
import { Random } from "./random.ts";
import { Trace } from "./trace.ts";
import type { TraceMode } from "./trace.ts";
import type { DurableStorage, Message, NodeId, OpEvent, Process, ProcessFactory } from "./types.ts";

/** Options for a simulation; every field is validated up front. */
export interface SimulationOptions {
  /** The seed every random choice derives from. */
  seed: number;
  /** Network knobs. @default {} (uniform 1–5 ms latency, nothing lost) */
  network?: NetworkOptions;
  /** How much to trace. @default "full" */
  trace?: TraceMode;
  /** Stop with an error after this many events. @default 5_000_000 */
  maxEvents?: number;
  /** Stop with an error past this much virtual time. @default 86_400_000 (a day) */
  maxTimeMs?: number;
}

/** Per-node options. */
export interface NodeOptions {
  /** The node's physical clock. @default {offsetMs: 0, driftPpm: 0} */
  clock?: ClockOptions;
  /** Per-node configuration handed to the process (fallacy 6). @default {} */
  config?: Record<string, unknown>;
  /** Time each handled event occupies the node (fallacy 8: heterogeneous hardware). @default 0 */
  processingMs?: number;
  /** When true the node exists but has not joined; a `join` fault starts it. @default false */
  dormant?: boolean;
}

/** Thrown when a run exceeds `maxEvents` or `maxTimeMs`. */
export class SimulationLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationLimitError";
  }
}

/** Counters a run keeps whatever the trace mode. */
export interface SimulationStats extends NetworkStats {
  /** Events handled (an event a busy node put back counts once, when it is handled). */
  events: number;
}

type Agenda<M extends Message> =
  | Delivery<M>
  | TimerEvent
  | { timeMs: number; seq: number; kind: "fault"; fault: Fault }
  | { timeMs: number; seq: number; kind: "call"; fn: () => void };

/** Whether a handled event ran, or waited for a busy node and went back on the agenda. */
type Outcome = "handled" | "deferred";

/**
 * The next value of virtual time when an event at `eventMs` fires at `nowMs`.
 *
 * @throws {InvariantError} when the event lies in the past: time never goes backwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { advanceTime } from "./simulation.ts";
 * assert.equal(advanceTime(5, 7), 7);
 * assert.throws(() => advanceTime(5, 2), /time never goes backwards/);
 * ```
 */
export function advanceTime(nowMs: number, eventMs: number): number {
  assertInvariant(eventMs >= nowMs, "time never goes backwards");
  return eventMs;
}

/**
 * A simulated cluster. `M` is the message type; `P` the process type the factories build,
 * which {@linkcode Simulation.processOf} returns for inspection (a union when a cluster runs
 * several kinds of process).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "./simulation.ts";
 * type Ping = { type: "Ping"; seq: number };
 * type Counter = { onMessage(): void; received: number };
 * const sim = new Simulation<Ping, Counter>({ seed: 1 });
 * sim.addNode("n1", (rt) => ({
 *   received: 0,
 *   onStart: () => rt.send("n2", { type: "Ping", seq: 1 }),
 *   onMessage() {},
 * }));
 * sim.addNode("n2", () => ({ received: 0, onMessage() { this.received++; } }));
 * sim.run({ untilMs: 100 });
 * assert.equal(sim.processOf("n2")?.received, 1);
 * ```
 */
export class Simulation<M extends Message = Message, P extends Process<M> = Process<M>> {
  readonly seed: number;
  readonly trace: Trace;
  readonly stats: SimulationStats = {
    events: 0,
    sent: 0,
    delivered: 0,
    duplicated: 0,
    tampered: 0,
    dropped: { loss: 0, partition: 0, crashed: 0, "queue-full": 0, "auth-failed": 0, left: 0 },
    bytes: 0,
    cost: 0,
  };
  /** Every client operation recorded, in real-time order (kept whatever the trace mode). */
  readonly history: OpEvent[] = [];

  #now = 0;
  #queue = new EventQueue<Agenda<M>>();
  #hosts = new Map<NodeId, Host<M, P>>();
  #members: NodeId[] = [];
  #network: Network<M>;
  #nodeRandom: Random;
  #nextTimerId = 1;
  #maxEvents: number;
  #maxTimeMs: number;
  #started = false;
  #faultTarget: FaultTarget;
  #runtimeKernel: RuntimeKernel<M>;

  constructor(options: SimulationOptions) {
    if (!Number.isSafeInteger(options.seed)) {
      throw new RangeError(`Simulation seed must be a safe integer, got ${options.seed}`);
    }
    this.seed = options.seed;
    const mode = options.trace ?? "full";
    if (mode !== "full" && mode !== "hash" && mode !== "off") {
      throw new RangeError(`Simulation option trace must be full, hash or off, got ${mode}`);
    }
    this.trace = new Trace(mode);
    this.#maxEvents = options.maxEvents ?? 5_000_000;
    this.#maxTimeMs = options.maxTimeMs ?? 86_400_000;
    if (!(Number.isInteger(this.#maxEvents) && this.#maxEvents > 0)) {
      throw new RangeError(
        `Simulation option maxEvents must be an integer > 0, got ${this.#maxEvents}`,
      );
    }
    if (!(this.#maxTimeMs > 0)) {
      throw new RangeError(`Simulation option maxTimeMs must be > 0, got ${this.#maxTimeMs}`);
    }
    const random = new Random(options.seed);
    this.#network = new Network<M>(
      {
        trace: this.trace,
        stats: this.stats,
        now: () => this.#now,
        schedule: (delivery) => this.#queue.push(delivery),
      },
      random.split("network"),
      options.network,
    );
    this.#nodeRandom = random.split("nodes");
    this.#faultTarget = this.#makeFaultTarget();
    this.#runtimeKernel = this.#makeRuntimeKernel();
  }

  /** Current true (virtual) time in ms. */
  get now(): number {
    return this.#now;
  }

  /** Node ids in the order they were added. */
  get nodes(): NodeId[] {
    return [...this.#hosts.keys()];
  }

  /** Whether a node is running (joined and not crashed). */
  isUp(node: NodeId): boolean {
    return this.#host(node).up;
  }

  /** The node's clock, for ground-truth readings in experiments and checkers. */
  clockOf(node: NodeId): NodeClock {
    return this.#host(node).clock;
  }

  /** The node's current process object (for inspection in tests and pages), or null when down. */
  processOf(node: NodeId): P | null {
    return this.#host(node).process;
  }

  /** The node's durable storage (for inspection). */
  storageOf(node: NodeId): DurableStorage {
    return this.#host(node).storage;
  }

  /** Adds a node. Before the run starts it starts with the run; afterwards it starts at once. */
  addNode(id: NodeId, factory: ProcessFactory<M, P>, options: NodeOptions = {}): this {
    if (typeof id !== "string" || id === "" || /[\s>|,]/.test(id)) {
      throw new RangeError(
        `Node id must be a non-empty string without spaces, ">", "|" or ",", got "${id}"`,
      );
    }
    if (this.#hosts.has(id)) throw new RangeError(`Node "${id}" already exists`);
    const processingMs = options.processingMs ?? 0;
    if (!(processingMs >= 0 && Number.isFinite(processingMs))) {
      throw new RangeError(`Node option processingMs must be a number >= 0, got ${processingMs}`);
    }
    const state: HostState<M, P> = {
      id,
      factory,
      process: null,
      up: false,
      member: !options.dormant,
      incarnation: 0,
      clock: new NodeClock(options.clock),
      storage: new MemoryStorage(),
      random: this.#nodeRandom.split(id),
      config: Object.freeze({ ...(options.config ?? {}) }),
      processingMs,
      busyUntilMs: 0,
      liveTimers: new Set(),
    };
    const host: Host<M, P> = Object.assign(state, {
      runtime: makeRuntime(state, this.#runtimeKernel),
    });
    this.#hosts.set(id, host);
    if (host.member) this.#members = [...this.#members, id].sort();
    if (this.#started && host.member) startHost(host, this.#now);
    return this;
  }

  /** Adds faults to the schedule; each is validated against the known nodes. */
  schedule(faults: readonly Fault[]): this {
    const known = new Set(this.#hosts.keys());
    for (const fault of faults) {
      validateFault(fault, known);
      if (fault.atMs < this.#now) {
        throw new RangeError(`Fault at ${fault.atMs}ms is in the past (now ${this.#now}ms)`);
      }
      this.#queue.push({ timeMs: fault.atMs, seq: 0, kind: "fault", fault });
    }
    return this;
  }

  /** Runs `fn` at true time `atMs` (for experiment drivers: "crash the leader now"). */
  at(atMs: number, fn: () => void): this {
    if (!(atMs >= this.#now)) {
      throw new RangeError(`Cannot schedule at ${atMs}ms: now is ${this.#now}ms`);
    }
    this.#queue.push({ timeMs: atMs, seq: 0, kind: "call", fn });
    return this;
  }

  /** Applies a fault right now (the same as scheduling it at the current time). */
  apply(fault: FaultNow): void {
    const full: Fault = { ...fault, atMs: this.#now };
    validateFault(full, new Set(this.#hosts.keys()));
    this.#applyFault(full);
  }

  /**
   * Processes events until `untilMs` (inclusive) or, without it, until nothing is left.
   * Returns the number of events processed.
   */
  run(options: { untilMs?: number; until?: () => boolean } = {}): number {
    const untilMs = options.untilMs ?? Infinity;
    if (!(untilMs >= this.#now)) {
      throw new RangeError(`run untilMs (${untilMs}) is before now (${this.#now}ms)`);
    }
    this.#startAll();
    let processed = 0;
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.timeMs > untilMs) break;
      if (options.until?.()) return processed;
      this.#queue.pop();
      this.#dispatch(next);
      processed++;
    }
    if (untilMs !== Infinity) this.#now = advanceTime(this.#now, untilMs);
    return processed;
  }

  /** Processes exactly one event; returns false when nothing is left. */
  step(): boolean {
    this.#startAll();
    const next = this.#queue.pop();
    if (next === undefined) return false;
    this.#dispatch(next);
    return true;
  }

  /** Time of the next pending event, or undefined. */
  nextEventTime(): number | undefined {
    return this.#queue.peek()?.timeMs;
  }

  #startAll(): void {
    if (this.#started) return;
    this.#started = true;
    for (const host of this.#hosts.values()) if (host.member) startHost(host, this.#now);
  }

  #host(node: NodeId): Host<M, P> {
    const host = this.#hosts.get(node);
    if (host === undefined) {
      throw new RangeError(`Unknown node "${node}" (known: ${[...this.#hosts.keys()].join(", ")})`);
    }
    return host;
  }

  #dispatch(event: Agenda<M>): void {
    if (event.timeMs > this.#maxTimeMs) {
      throw new SimulationLimitError(
        `Simulation passed maxTimeMs (${this.#maxTimeMs} ms of virtual time); raise maxTimeMs or run with untilMs`,
      );
    }
    if (this.stats.events >= this.#maxEvents) {
      throw new SimulationLimitError(
        `Simulation processed more than maxEvents (${this.#maxEvents}) events; raise maxEvents or shorten the run`,
      );
    }
    this.#now = advanceTime(this.#now, event.timeMs);
    if (this.#handle(event) === "handled") this.stats.events++;
  }

  #handle(event: Agenda<M>): Outcome {
    switch (event.kind) {
      case "deliver":
        return this.#deliver(event);
      case "timer":
        return this.#fireTimer(event);
      case "fault":
        this.#applyFault(event.fault);
        return "handled";
      case "call":
        event.fn();
        return "handled";
      default: {
        const unknown: never = event;
        throw new RangeError(`Unknown agenda event ${JSON.stringify(unknown)}`);
      }
    }
  }

  // The slow-node model (fallacy 8): a node handles one event at a time, each taking
  // processingMs. An event that finds the node busy goes back on the agenda for when it is free.
  #deferIfBusy(host: Host<M, P>, event: Agenda<M>): boolean {
    if (host.processingMs === 0 && host.busyUntilMs <= this.#now) return false;
    if (host.busyUntilMs > this.#now) {
      event.timeMs = host.busyUntilMs;
      this.#queue.push(event);
      return true;
    }
    host.busyUntilMs = this.#now + host.processingMs;
    return false;
  }

  #deliver(event: Delivery<M>): Outcome {
    const host = this.#host(event.to);
    if (!this.#network.arrive(event, host)) return "handled";
    if (this.#deferIfBusy(host, event)) return "deferred";
    this.#network.handOver(event);
    runningProcess(host).onMessage(event.from, event.msg);
    return "handled";
  }

  #fireTimer(event: TimerEvent): Outcome {
    const host = this.#host(event.node);
    if (!host.up || host.incarnation !== event.incarnation || !host.liveTimers.has(event.timerId)) {
      return "handled";
    }
    if (this.#deferIfBusy(host, event)) return "deferred";
    host.liveTimers.delete(event.timerId);
    if (this.trace.enabled) {
      this.trace.add({ t: this.#now, kind: "timer", node: host.id, tag: event.tag });
    }
    runningProcess(host).onTimer?.(event.tag, event.data);
    return "handled";
  }

  #applyFault(fault: Fault): void {
    if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "fault", fault });
    applyFault(fault, this.#faultTarget);
  }

  // Host faults act here, on the kernel's hosts; link faults go straight to the network.
  #makeFaultTarget(): FaultTarget {
    return {
      network: this.#network,
      now: () => this.#now,
      clockOf: (node) => this.#host(node).clock,
      setProcessingMs: (node, processingMs) => {
        this.#host(node).processingMs = processingMs;
      },
      setByzantine: (node, behaviour) => {
        this.#host(node).byzantine = behaviour;
      },
      crash: (node) => {
        const host = this.#host(node);
        if (!host.up) return;
        stopHost(host);
        if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "crash", node: host.id });
      },
      restart: (node) => {
        const host = this.#host(node);
        if (host.up || !host.member) return;
        if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "restart", node: host.id });
        startHost(host, this.#now);
      },
      join: (node) => {
        const host = this.#host(node);
        if (host.member) return;
        host.member = true;
        this.#members = [...this.#members, host.id].sort();
        startHost(host, this.#now);
      },
      leave: (node) => {
        const host = this.#host(node);
        host.member = false;
        stopHost(host);
        this.#members = this.#members.filter((id) => id !== host.id);
      },
    };
  }

  // What every node's runtime reaches in the kernel (see makeRuntime in host.ts).
  #makeRuntimeKernel(): RuntimeKernel<M> {
    return {
      trace: this.trace,
      history: this.history,
      now: () => this.#now,
      members: () => this.#members,
      nextTimerId: () => this.#nextTimerId++,
      schedule: (timer) => this.#queue.push(timer),
      send: (from, to, msg, departMs) => {
        if (!this.#hosts.has(to)) {
          throw new RangeError(`Node "${from}" sent ${msg.type} to unknown node "${to}"`);
        }
        this.#network.send(from, to, msg, departMs);
      },
      forge: (claimedFrom, to, msg) => {
        if (!this.#hosts.has(to)) {
          throw new RangeError(`A forgery in the name of "${claimedFrom}" to unknown node "${to}"`);
        }
        this.#network.forge(claimedFrom, to, msg);
      },
    };
  }
}
