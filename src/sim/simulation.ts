/**
 * The deterministic simulation kernel: virtual time, an agenda ordered by (time, sequence),
 * hosts running processes, a network with the fallacies' knobs, and a fault schedule.
 *
 * Guarantees: the same seed, nodes, options and faults give a byte-identical trace, in Deno
 * and in the browser. Nothing here reads real time or platform randomness.
 * Limits: `maxEvents` and `maxTimeMs` bound every run; exceeding one throws
 * {@linkcode SimulationLimitError}.
 * Non-goals: modelling CPU contention inside a node beyond a per-event processing time.
 *
 * @module
 */

import { NodeClock } from "./clock.ts";
import type { ClockOptions } from "./clock.ts";
import { EventQueue } from "./event_queue.ts";
import type { Fault } from "./faults.ts";
import { validateFault } from "./faults.ts";
import { resolveLink, sampleLatency } from "./network.ts";
import type { LinkOptions, NetworkOptions } from "./network.ts";
import { Random } from "./random.ts";
import { Trace } from "./trace.ts";
import type { DropReason, TraceMode } from "./trace.ts";
import type {
  DurableStorage,
  Message,
  NodeId,
  OpEvent,
  Process,
  ProcessFactory,
  Runtime,
} from "./types.ts";

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

/** A fault without its time, for applying now (distributes over the union's members). */
export type FaultNow = Fault extends infer F ? F extends Fault ? Omit<F, "atMs"> : never : never;

/** Thrown when a run exceeds `maxEvents` or `maxTimeMs`. */
export class SimulationLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationLimitError";
  }
}

/** Counters a run keeps whatever the trace mode. */
export interface SimulationStats {
  events: number;
  sent: number;
  delivered: number;
  duplicated: number;
  tampered: number;
  dropped: Record<DropReason, number>;
  bytes: number;
  cost: number;
}

type Agenda =
  | {
    timeMs: number;
    seq: number;
    kind: "deliver";
    id: number;
    from: NodeId;
    to: NodeId;
    msg: Message;
    tampered: boolean;
  }
  | {
    timeMs: number;
    seq: number;
    kind: "timer";
    node: NodeId;
    incarnation: number;
    timerId: number;
    tag: string;
    data: unknown;
  }
  | { timeMs: number; seq: number; kind: "fault"; fault: Fault }
  | { timeMs: number; seq: number; kind: "call"; fn: () => void };

class MemoryStorage implements DurableStorage {
  #data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const value = this.#data.get(key);
    return value === undefined ? undefined : structuredClone(value) as T;
  }
  set(key: string, value: unknown): void {
    this.#data.set(key, structuredClone(value));
  }
  delete(key: string): void {
    this.#data.delete(key);
  }
  keys(): string[] {
    return [...this.#data.keys()].sort();
  }
}

interface Host<M extends Message> {
  id: NodeId;
  factory: ProcessFactory<M>;
  process: Process<M> | null;
  up: boolean;
  member: boolean;
  incarnation: number;
  clock: NodeClock;
  storage: MemoryStorage;
  random: Random;
  config: Readonly<Record<string, unknown>>;
  processingMs: number;
  busyUntilMs: number;
  liveTimers: Set<number>;
  runtime: Runtime<M>;
}

interface LinkState {
  options: LinkOptions;
  lastArrivalMs: number;
  wireFreeAtMs: number;
}

/**
 * A simulated cluster.
 *
 * @example
 * ```ts
 * import { Simulation } from "./simulation.ts";
 * type Ping = { type: "Ping"; seq: number };
 * const sim = new Simulation<Ping>({ seed: 1 });
 * let received = 0;
 * sim.addNode("n1", (rt) => ({
 *   onStart: () => rt.send("n2", { type: "Ping", seq: 1 }),
 *   onMessage: () => {},
 * }));
 * sim.addNode("n2", () => ({ onMessage: () => received++ }));
 * sim.run({ untilMs: 100 });
 * if (received !== 1) throw new Error("one ping");
 * ```
 */
export class Simulation<M extends Message = Message> {
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
  #queue = new EventQueue<Agenda>();
  #hosts = new Map<NodeId, Host<M>>();
  #members: NodeId[] = [];
  #random: Random;
  #networkRandom: Random;
  #nodeRandom: Random;
  #defaults: Partial<LinkOptions>;
  #linkOverrides: Record<string, Partial<LinkOptions>>;
  #links = new Map<NodeId, Map<NodeId, LinkState>>();
  #authenticate: boolean;
  #groupOf: Map<NodeId, number> | null = null;
  #cuts = new Set<string>();
  #nextMessageId = 1;
  #nextTimerId = 1;
  #maxEvents: number;
  #maxTimeMs: number;
  #started = false;
  #needsSize: boolean;

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
    const network = options.network ?? {};
    this.#defaults = { ...network };
    delete (this.#defaults as NetworkOptions).links;
    delete (this.#defaults as NetworkOptions).authenticate;
    this.#linkOverrides = network.links ?? {};
    this.#authenticate = network.authenticate ?? false;
    // Validate eagerly so a bad knob fails at construction, naming the knob.
    resolveLink(this.#defaults);
    for (const [key, link] of Object.entries(this.#linkOverrides)) {
      if (!/^[^>]+->[^>]+$/.test(key)) {
        throw new RangeError(`Network links key must look like "n1->n2", got "${key}"`);
      }
      resolveLink({ ...this.#defaults, ...link }, `network.links["${key}"]`);
    }
    this.#needsSize = this.#computeNeedsSize();
    this.#random = new Random(options.seed);
    this.#networkRandom = this.#random.split("network");
    this.#nodeRandom = this.#random.split("nodes");
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
  processOf(node: NodeId): Process<M> | null {
    return this.#host(node).process;
  }

  /** The node's durable storage (for inspection). */
  storageOf(node: NodeId): DurableStorage {
    return this.#host(node).storage;
  }

  /** Adds a node. Before the run starts it starts with the run; afterwards it starts at once. */
  addNode(id: NodeId, factory: ProcessFactory<M>, options: NodeOptions = {}): this {
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
    const host: Host<M> = {
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
      runtime: null as unknown as Runtime<M>,
    };
    host.runtime = this.#makeRuntime(host);
    this.#hosts.set(id, host);
    if (host.member) this.#members = [...this.#members, id].sort();
    if (this.#started && host.member) this.#start(host);
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
    const full = { ...fault, atMs: this.#now } as Fault;
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
      this.#dispatch(this.#queue.pop()!);
      processed++;
    }
    if (untilMs !== Infinity) this.#now = untilMs;
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
    for (const host of this.#hosts.values()) if (host.member) this.#start(host);
  }

  #host(node: NodeId): Host<M> {
    const host = this.#hosts.get(node);
    if (host === undefined) {
      throw new RangeError(`Unknown node "${node}" (known: ${[...this.#hosts.keys()].join(", ")})`);
    }
    return host;
  }

  #dispatch(event: Agenda): void {
    if (event.timeMs > this.#maxTimeMs) {
      throw new SimulationLimitError(
        `Simulation passed maxTimeMs (${this.#maxTimeMs} ms of virtual time); raise maxTimeMs or run with untilMs`,
      );
    }
    if (++this.stats.events > this.#maxEvents) {
      throw new SimulationLimitError(
        `Simulation processed more than maxEvents (${this.#maxEvents}) events; raise maxEvents or shorten the run`,
      );
    }
    this.#now = event.timeMs;
    switch (event.kind) {
      case "deliver":
        this.#deliver(event);
        return;
      case "timer":
        this.#fireTimer(event);
        return;
      case "fault":
        this.#applyFault(event.fault);
        return;
      case "call":
        event.fn();
        return;
    }
  }

  // The slow-node model: a node handles one event at a time, each taking processingMs.
  // Returns true when the event had to wait and was put back on the agenda.
  #deferIfBusy(host: Host<M>, event: Agenda): boolean {
    if (host.processingMs === 0 && host.busyUntilMs <= this.#now) return false;
    if (host.busyUntilMs > this.#now) {
      event.timeMs = host.busyUntilMs;
      this.#queue.push(event);
      this.stats.events--;
      return true;
    }
    host.busyUntilMs = this.#now + host.processingMs;
    return false;
  }

  #deliver(event: Extract<Agenda, { kind: "deliver" }>): void {
    const host = this.#hosts.get(event.to)!;
    let reason: DropReason | null = null;
    if (!host.member) reason = "left";
    else if (!host.up) reason = "crashed";
    else if (this.#blocked(event.from, event.to)) reason = "partition";
    else if (event.tampered && this.#authenticate) reason = "auth-failed";
    if (reason !== null) {
      this.#drop(event.id, event.from, event.to, event.msg, reason);
      return;
    }
    if (this.#deferIfBusy(host, event)) return;
    this.stats.delivered++;
    if (this.trace.enabled) {
      this.trace.add({
        t: this.#now,
        kind: "deliver",
        id: event.id,
        from: event.from,
        to: event.to,
        msg: event.msg,
      });
    }
    host.process!.onMessage(event.from, event.msg as M);
  }

  #fireTimer(event: Extract<Agenda, { kind: "timer" }>): void {
    const host = this.#hosts.get(event.node)!;
    if (!host.up || host.incarnation !== event.incarnation || !host.liveTimers.has(event.timerId)) {
      return;
    }
    if (this.#deferIfBusy(host, event)) return;
    host.liveTimers.delete(event.timerId);
    if (this.trace.enabled) {
      this.trace.add({ t: this.#now, kind: "timer", node: host.id, tag: event.tag });
    }
    host.process!.onTimer?.(event.tag, event.data);
  }

  #drop(id: number, from: NodeId, to: NodeId, msg: Message, reason: DropReason): void {
    this.stats.dropped[reason]++;
    if (this.trace.enabled) {
      this.trace.add({ t: this.#now, kind: "drop", id, from, to, msg, reason });
    }
  }

  #blocked(from: NodeId, to: NodeId): boolean {
    if (this.#groupOf !== null) {
      const a = this.#groupOf.get(from) ?? -1;
      const b = this.#groupOf.get(to) ?? -1;
      if (a !== b) return true;
    }
    return this.#cuts.size > 0 && this.#cuts.has(`${from}->${to}`);
  }

  #link(from: NodeId, to: NodeId): LinkState {
    let outgoing = this.#links.get(from);
    if (outgoing === undefined) {
      outgoing = new Map();
      this.#links.set(from, outgoing);
    }
    let link = outgoing.get(to);
    if (link === undefined) {
      const override = this.#linkOverrides[`${from}->${to}`];
      link = {
        options: resolveLink(override ? { ...this.#defaults, ...override } : this.#defaults),
        lastArrivalMs: 0,
        wireFreeAtMs: 0,
      };
      outgoing.set(to, link);
    }
    return link;
  }

  #computeNeedsSize(): boolean {
    const all = [this.#defaults, ...Object.values(this.#linkOverrides)];
    return all.some((o) =>
      (o.bandwidthBytesPerMs !== undefined && o.bandwidthBytesPerMs !== Infinity) ||
      (o.costPerByte ?? 0) > 0
    );
  }

  /** Sends a message through the network, applying every knob of the link. */
  #send(from: NodeId, to: NodeId, msg: M, departMs: number): void {
    const toHost = this.#hosts.get(to);
    if (toHost === undefined) {
      throw new RangeError(`Node "${from}" sent ${msg.type} to unknown node "${to}"`);
    }
    const id = this.#nextMessageId++;
    const link = this.#link(from, to);
    const options = link.options;
    const random = this.#networkRandom;
    this.stats.sent++;
    let sizeBytes = 0;
    if (this.#needsSize) {
      sizeBytes = messageSize(msg);
      this.stats.bytes += sizeBytes;
    }
    this.stats.cost += options.costPerMessage + options.costPerByte * sizeBytes;
    if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "send", id, from, to, msg });
    if (this.#blocked(from, to)) {
      this.#drop(id, from, to, msg, "partition");
      return;
    }
    if (options.lossProbability > 0 && random.next() < options.lossProbability) {
      this.#drop(id, from, to, msg, "loss");
      return;
    }
    // Bandwidth: the message occupies the wire for size / bandwidth after earlier ones.
    let departure = departMs;
    if (options.bandwidthBytesPerMs !== Infinity) {
      const backlogMs = Math.max(0, link.wireFreeAtMs - departMs);
      if (backlogMs * options.bandwidthBytesPerMs + sizeBytes > options.queueLimitBytes) {
        this.#drop(id, from, to, msg, "queue-full");
        return;
      }
      departure = Math.max(departMs, link.wireFreeAtMs) + sizeBytes / options.bandwidthBytesPerMs;
      link.wireFreeAtMs = departure;
    }
    let delivered: M = msg;
    let tampered = false;
    if (options.tamperProbability > 0 && random.next() < options.tamperProbability) {
      const result = tamper(msg, random);
      delivered = result.msg;
      tampered = true;
      this.stats.tampered++;
      if (this.trace.enabled) {
        this.trace.add({ t: this.#now, kind: "tamper", id, from, to, field: result.field });
      }
    }
    const copies = options.duplicateProbability > 0 && random.next() < options.duplicateProbability
      ? 2
      : 1;
    if (copies === 2) {
      this.stats.duplicated++;
      if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "duplicate", id, from, to });
    }
    for (let copy = 0; copy < copies; copy++) {
      let arrival = departure + sampleLatency(options.latency, random);
      if (options.fifo) {
        arrival = Math.max(arrival, link.lastArrivalMs);
        link.lastArrivalMs = arrival;
      }
      this.#queue.push({
        timeMs: arrival,
        seq: 0,
        kind: "deliver",
        id,
        from,
        to,
        msg: delivered,
        tampered,
      });
    }
  }

  #start(host: Host<M>): void {
    host.up = true;
    host.incarnation++;
    host.liveTimers.clear();
    host.busyUntilMs = this.#now;
    host.process = host.factory(host.runtime);
    host.process.onStart?.();
  }

  #applyFault(fault: Fault): void {
    if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "fault", fault });
    switch (fault.kind) {
      case "crash": {
        const host = this.#host(fault.node);
        if (!host.up) return;
        host.up = false;
        host.process = null;
        host.liveTimers.clear();
        if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "crash", node: host.id });
        return;
      }
      case "restart": {
        const host = this.#host(fault.node);
        if (host.up || !host.member) return;
        if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "restart", node: host.id });
        this.#start(host);
        return;
      }
      case "partition": {
        const groups = new Map<NodeId, number>();
        fault.groups.forEach((group, i) => group.forEach((node) => groups.set(node, i)));
        this.#groupOf = groups;
        return;
      }
      case "cut":
        this.#cuts.add(`${fault.from}->${fault.to}`);
        return;
      case "heal":
        this.#groupOf = null;
        this.#cuts.clear();
        return;
      case "clock-jump":
        this.#host(fault.node).clock.jump(this.#now, fault.deltaMs);
        return;
      case "clock-drift":
        this.#host(fault.node).clock.setDrift(this.#now, fault.driftPpm);
        return;
      case "slow":
        this.#host(fault.node).processingMs = fault.processingMs;
        return;
      case "network": {
        resolveLink({ ...this.#defaults, ...fault.set });
        this.#defaults = { ...this.#defaults, ...fault.set };
        this.#links.clear();
        this.#needsSize = this.#computeNeedsSize();
        return;
      }
      case "join": {
        const host = this.#host(fault.node);
        if (host.member) return;
        host.member = true;
        this.#members = [...this.#members, host.id].sort();
        this.#start(host);
        return;
      }
      case "leave": {
        const host = this.#host(fault.node);
        host.member = false;
        host.up = false;
        host.process = null;
        host.liveTimers.clear();
        this.#members = this.#members.filter((id) => id !== host.id);
        return;
      }
      case "forge": {
        // A forged message is indistinguishable from a real one unless receivers authenticate.
        this.#pushForged(fault.from, fault.to, fault.msg as M);
        return;
      }
      case "storm":
        for (let i = 0; i < fault.count; i++) {
          this.#send(fault.from, fault.to, fault.msg as M, this.#now);
        }
        return;
    }
  }

  #pushForged(from: NodeId, to: NodeId, msg: M): void {
    const id = this.#nextMessageId++;
    if (this.trace.enabled) this.trace.add({ t: this.#now, kind: "send", id, from, to, msg });
    if (this.trace.enabled) {
      this.trace.add({ t: this.#now, kind: "tamper", id, from, to, field: "forged" });
    }
    const latency = sampleLatency(this.#link(from, to).options.latency, this.#networkRandom);
    this.#queue.push({
      timeMs: this.#now + latency,
      seq: 0,
      kind: "deliver",
      id,
      from,
      to,
      msg,
      tampered: true,
    });
  }

  #makeRuntime(host: Host<M>): Runtime<M> {
    // deno-lint-ignore no-this-alias
    const sim = this;
    return {
      id: host.id,
      peers: () => this.#members.filter((id) => id !== host.id),
      now: () => host.clock.nowMs(this.#now),
      monotonic: () => host.clock.monotonicMs(this.#now),
      send(to: NodeId, msg: M) {
        if (!host.up) return;
        // A slow node's sends leave when it finishes handling the current event.
        sim.#send(host.id, to, msg, Math.max(sim.#now, host.busyUntilMs));
      },
      setTimer(delayMs: number, tag: string, data?: unknown): number {
        if (!(delayMs >= 0 && Number.isFinite(delayMs))) {
          throw new RangeError(`setTimer delayMs must be a finite number >= 0, got ${delayMs}`);
        }
        const timerId = sim.#nextTimerId++;
        if (!host.up) return timerId;
        host.liveTimers.add(timerId);
        sim.#queue.push({
          timeMs: sim.#now + host.clock.trueDurationMs(delayMs),
          seq: 0,
          kind: "timer",
          node: host.id,
          incarnation: host.incarnation,
          timerId,
          tag,
          data,
        });
        return timerId;
      },
      cancelTimer(timerId: number) {
        host.liveTimers.delete(timerId);
      },
      storage: host.storage,
      random: host.random,
      config: host.config,
      log(text: string) {
        if (sim.trace.enabled) sim.trace.add({ t: sim.#now, kind: "log", node: host.id, text });
      },
      state(key: string, value: unknown) {
        if (sim.trace.enabled) {
          sim.trace.add({ t: sim.#now, kind: "state", node: host.id, key, value });
        }
      },
      recordOp(op: OpEvent) {
        const copy = { ...op };
        sim.history.push(copy);
        if (sim.trace.enabled) sim.trace.add({ t: sim.#now, kind: "op", node: host.id, op: copy });
      },
    };
  }
}

/** A message's size in bytes: its `sizeBytes` field if it has one, else its JSON length. */
export function messageSize(msg: Message): number {
  const declared = (msg as { sizeBytes?: unknown }).sizeBytes;
  if (typeof declared === "number" && declared >= 0) return declared;
  return JSON.stringify(msg).length;
}

/** Alters one field of a message the way a corrupting middlebox or attacker might. */
function tamper<M extends Message>(msg: M, random: Random): { msg: M; field: string } {
  const fields = Object.keys(msg).filter((k) => k !== "type").sort();
  if (fields.length === 0) return { msg, field: "type" };
  const field = random.pick(fields);
  const value = (msg as Record<string, unknown>)[field];
  let altered: unknown;
  if (typeof value === "number") altered = value + random.int(1, 9);
  else if (typeof value === "string") altered = value + "!";
  else if (typeof value === "boolean") altered = !value;
  else altered = null;
  return { msg: { ...msg, [field]: altered }, field };
}
