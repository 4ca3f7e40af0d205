/**
 * The link model: {@linkcode Network} applies the network's knobs (defined and validated in
 * `link_options.ts`, re-exported here) to every message. Every send, drop, partition, cut,
 * tamper, duplicate and byte count of a run happens here; the simulation only carries the
 * deliveries on its agenda and hands them to their receivers.
 *
 * Knobs apply to every link unless overridden per link (`links["n1->n2"]`), which is how
 * asymmetric paths and one slow WAN link are modelled.
 *
 * @module
 */

import { assertInvariant } from "./assert.ts";
import { resolveLink, sampleLatency } from "./link_options.ts";
import type { LinkOptions, NetworkOptions } from "./link_options.ts";
import type { Random } from "./random.ts";
import type { DropReason, Trace } from "./trace.ts";
import type { Message, NodeId } from "./types.ts";

export * from "./link_options.ts";

/** Counters the network keeps whatever the trace mode (part of `SimulationStats`). */
export interface NetworkStats {
  sent: number;
  delivered: number;
  duplicated: number;
  tampered: number;
  dropped: Record<DropReason, number>;
  bytes: number;
  cost: number;
}

/** One copy of a message on its way, as it sits on the simulation's agenda. */
export interface Delivery<M extends Message = Message> {
  timeMs: number;
  seq: number;
  kind: "deliver";
  id: number;
  from: NodeId;
  to: NodeId;
  msg: M;
  /** Altered in flight or forged: receivers that authenticate drop it (fallacy 4). */
  tampered: boolean;
}

/** What the network needs from the kernel: its clock, trace, counters and agenda. */
export interface NetworkKernel<M extends Message = Message> {
  readonly trace: Trace;
  readonly stats: NetworkStats;
  /** Current true time in ms. */
  now(): number;
  /** Puts a delivery on the agenda at `delivery.timeMs`. */
  schedule(delivery: Delivery<M>): void;
}

/** The receiver as the network sees it when a message arrives. */
export interface Receiver {
  /** Still in the cluster (has not left). */
  member: boolean;
  /** Running (not crashed). */
  up: boolean;
}

interface LinkState {
  options: LinkOptions;
  lastArrivalMs: number;
  wireFreeAtMs: number;
}

/**
 * The link model: applies every knob of {@linkcode LinkOptions} to each message, and enforces
 * partitions and cuts both when a message is sent and when it arrives.
 *
 * Invariants (always checked): a message that arrives was sent (its id was issued and it is in
 * flight); the number of messages in flight never goes below zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Network } from "./network.ts";
 * import type { Delivery, NetworkKernel } from "./network.ts";
 * import { Random } from "./random.ts";
 * import { Trace } from "./trace.ts";
 * const agenda: Delivery[] = [];
 * const kernel: NetworkKernel = {
 *   trace: new Trace("full"),
 *   stats: { sent: 0, delivered: 0, duplicated: 0, tampered: 0, bytes: 0, cost: 0,
 *     dropped: { loss: 0, partition: 0, crashed: 0, "queue-full": 0, "auth-failed": 0, left: 0 } },
 *   now: () => 0,
 *   schedule: (d) => agenda.push(d),
 * };
 * const network = new Network(kernel, new Random(1), { latency: { kind: "constant", ms: 3 } });
 * network.send("n1", "n2", { type: "Ping" }, 0);
 * assert.equal(agenda[0].timeMs, 3);
 * network.partition([["n1"], ["n2"]]);
 * network.send("n1", "n2", { type: "Ping" }, 0);
 * assert.equal(kernel.stats.dropped.partition, 1);
 * ```
 */
export class Network<M extends Message = Message> {
  #kernel: NetworkKernel<M>;
  #random: Random;
  #defaults: Partial<LinkOptions>;
  #linkOverrides: Record<string, Partial<LinkOptions>>;
  #links = new Map<NodeId, Map<NodeId, LinkState>>();
  #lastFrom: NodeId | undefined;
  #lastOutgoing: Map<NodeId, LinkState> | undefined;
  #authenticate: boolean;
  #groupOf: Map<NodeId, number> | null = null;
  #cuts = new Set<string>();
  #nextMessageId = 1;
  #inFlight = 0;
  #needsSize: boolean;

  /** Validates every knob up front; a bad one is a RangeError naming it. */
  constructor(kernel: NetworkKernel<M>, random: Random, options: NetworkOptions = {}) {
    this.#kernel = kernel;
    this.#random = random;
    const { links, authenticate, ...defaults } = options;
    this.#defaults = defaults;
    this.#linkOverrides = links ?? {};
    this.#authenticate = authenticate ?? false;
    resolveLink(this.#defaults);
    for (const [key, link] of Object.entries(this.#linkOverrides)) {
      if (!/^[^>]+->[^>]+$/.test(key)) {
        throw new RangeError(`Network links key must look like "n1->n2", got "${key}"`);
      }
      resolveLink({ ...this.#defaults, ...link }, `network.links["${key}"]`);
    }
    this.#needsSize = this.#computeNeedsSize();
  }

  /** Messages sent (or forged) and not yet delivered or dropped, copies counted apart. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Fallacy 5 (topology doesn't change): nodes in different groups cannot reach each other. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, i) => group.forEach((node) => groupOf.set(node, i)));
    this.#groupOf = groupOf;
  }

  /** Drops every message from `from` to `to` (one direction), until healed. */
  cut(from: NodeId, to: NodeId): void {
    this.#cuts.add(`${from}->${to}`);
  }

  /** Removes every partition and cut. */
  heal(): void {
    this.#groupOf = null;
    this.#cuts.clear();
  }

  /** Changes network-wide knobs from now on; per-link state (FIFO, wire queues) restarts. */
  reconfigure(set: Partial<LinkOptions>): void {
    resolveLink({ ...this.#defaults, ...set });
    this.#defaults = { ...this.#defaults, ...set };
    this.#links.clear();
    this.#lastFrom = undefined;
    this.#lastOutgoing = undefined;
    this.#needsSize = this.#computeNeedsSize();
  }

  /** Whether a partition or cut currently separates `from` from `to`. */
  blocked(from: NodeId, to: NodeId): boolean {
    if (this.#groupOf !== null) {
      const a = this.#groupOf.get(from) ?? -1;
      const b = this.#groupOf.get(to) ?? -1;
      if (a !== b) return true;
    }
    return this.#cuts.size > 0 && this.#cuts.has(`${from}->${to}`);
  }

  /** Sends a message leaving at `departMs`, applying every knob of the link. */
  send(from: NodeId, to: NodeId, msg: M, departMs: number): void {
    const id = this.#nextMessageId++;
    const link = this.#link(from, to);
    const options = link.options;
    const sizeBytes = this.#account(options, msg);
    const kernel = this.#kernel;
    if (kernel.trace.enabled) kernel.trace.addMessage("send", kernel.now(), id, from, to, msg);
    if (this.blocked(from, to)) return this.#drop(id, from, to, msg, "partition");
    if (options.lossProbability > 0 && this.#random.next() < options.lossProbability) {
      return this.#drop(id, from, to, msg, "loss");
    }
    const departure = this.#occupyWire(link, departMs, sizeBytes);
    if (departure === null) return this.#drop(id, from, to, msg, "queue-full");
    const { delivered, tampered } = this.#maybeTamper(id, from, to, msg, options);
    const copies = this.#copies(id, from, to, options);
    for (let copy = 0; copy < copies; copy++) {
      let arrival = departure + sampleLatency(options.latency, this.#random);
      if (options.fifo) {
        arrival = Math.max(arrival, link.lastArrivalMs);
        link.lastArrivalMs = arrival;
      }
      this.#schedule({
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

  /** Injects a message that claims to come from `from` (fallacy 4); it skips every other knob. */
  forge(from: NodeId, to: NodeId, msg: M): void {
    const id = this.#nextMessageId++;
    const kernel = this.#kernel;
    const now = kernel.now();
    if (kernel.trace.enabled) kernel.trace.add({ t: now, kind: "send", id, from, to, msg });
    if (kernel.trace.enabled) {
      kernel.trace.add({ t: now, kind: "tamper", id, from, to, field: "forged" });
    }
    const latency = sampleLatency(this.#link(from, to).options.latency, this.#random);
    this.#schedule({
      timeMs: now + latency,
      seq: 0,
      kind: "deliver",
      id,
      from,
      to,
      msg,
      tampered: true,
    });
  }

  /**
   * Decides at arrival whether a message may be handed to its receiver; when not, it is
   * dropped (traced and counted) and this returns false. A partition that began while the
   * message was in flight still stops it, as a real cut cable would.
   */
  arrive(delivery: Delivery<M>, receiver: Receiver): boolean {
    assertInvariant(
      delivery.id >= 1 && delivery.id < this.#nextMessageId && this.#inFlight > 0,
      "a delivered message was sent and is in flight",
    );
    let reason: DropReason | null = null;
    if (!receiver.member) reason = "left";
    else if (!receiver.up) reason = "crashed";
    else if (this.blocked(delivery.from, delivery.to)) reason = "partition";
    else if (delivery.tampered && this.#authenticate) reason = "auth-failed";
    if (reason === null) return true;
    this.#inFlight--;
    this.#drop(delivery.id, delivery.from, delivery.to, delivery.msg, reason);
    return false;
  }

  /** Records that an arrived message was handed to its receiver. */
  handOver(delivery: Delivery<M>): void {
    assertInvariant(this.#inFlight > 0, "a delivered message is in flight");
    this.#inFlight--;
    const kernel = this.#kernel;
    kernel.stats.delivered++;
    if (kernel.trace.enabled) {
      const { id, from, to, msg } = delivery;
      kernel.trace.addMessage("deliver", kernel.now(), id, from, to, msg);
    }
  }

  #schedule(delivery: Delivery<M>): void {
    this.#inFlight++;
    this.#kernel.schedule(delivery);
  }

  // Fallacy 7 (transport cost is zero): every send is counted and charged, dropped or not.
  #account(options: LinkOptions, msg: M): number {
    const stats = this.#kernel.stats;
    stats.sent++;
    let sizeBytes = 0;
    if (this.#needsSize) {
      sizeBytes = messageSize(msg);
      stats.bytes += sizeBytes;
    }
    stats.cost += options.costPerMessage + options.costPerByte * sizeBytes;
    return sizeBytes;
  }

  // Fallacy 3: the message occupies the wire for size / bandwidth after earlier ones; returns
  // when it leaves, or null when the link's queue is full.
  #occupyWire(link: LinkState, departMs: number, sizeBytes: number): number | null {
    const options = link.options;
    if (options.bandwidthBytesPerMs === Infinity) return departMs;
    const backlogMs = Math.max(0, link.wireFreeAtMs - departMs);
    if (backlogMs * options.bandwidthBytesPerMs + sizeBytes > options.queueLimitBytes) return null;
    const departure = Math.max(departMs, link.wireFreeAtMs) +
      sizeBytes / options.bandwidthBytesPerMs;
    link.wireFreeAtMs = departure;
    return departure;
  }

  #maybeTamper(
    id: number,
    from: NodeId,
    to: NodeId,
    msg: M,
    options: LinkOptions,
  ): { delivered: M; tampered: boolean } {
    if (!(options.tamperProbability > 0 && this.#random.next() < options.tamperProbability)) {
      return { delivered: msg, tampered: false };
    }
    const result = tamper(msg, this.#random);
    const kernel = this.#kernel;
    kernel.stats.tampered++;
    if (kernel.trace.enabled) {
      kernel.trace.add({ t: kernel.now(), kind: "tamper", id, from, to, field: result.field });
    }
    return { delivered: result.msg, tampered: true };
  }

  #copies(id: number, from: NodeId, to: NodeId, options: LinkOptions): 1 | 2 {
    if (!(options.duplicateProbability > 0 && this.#random.next() < options.duplicateProbability)) {
      return 1;
    }
    const kernel = this.#kernel;
    kernel.stats.duplicated++;
    if (kernel.trace.enabled) {
      kernel.trace.add({ t: kernel.now(), kind: "duplicate", id, from, to });
    }
    return 2;
  }

  #drop(id: number, from: NodeId, to: NodeId, msg: M, reason: DropReason): void {
    const kernel = this.#kernel;
    kernel.stats.dropped[reason]++;
    if (kernel.trace.enabled) {
      kernel.trace.add({ t: kernel.now(), kind: "drop", id, from, to, msg, reason });
    }
  }

  #link(from: NodeId, to: NodeId): LinkState {
    // A node usually sends several messages in a row (a broadcast, a reply after a reply):
    // remembering the last sender's links saves the outer lookup then.
    let outgoing = from === this.#lastFrom ? this.#lastOutgoing : this.#links.get(from);
    if (outgoing === undefined) {
      outgoing = new Map();
      this.#links.set(from, outgoing);
    }
    this.#lastFrom = from;
    this.#lastOutgoing = outgoing;
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

  // Sizes cost a JSON.stringify per message, so only compute them when a knob reads them.
  #computeNeedsSize(): boolean {
    const all = [this.#defaults, ...Object.values(this.#linkOverrides)];
    return all.some((o) =>
      (o.bandwidthBytesPerMs !== undefined && o.bandwidthBytesPerMs !== Infinity) ||
      (o.costPerByte ?? 0) > 0
    );
  }
}

/**
 * A message's size in bytes: its `sizeBytes` field if it has one, else its JSON length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageSize } from "./network.ts";
 * assert.equal(messageSize({ type: "Blob", sizeBytes: 4096 } as { type: string }), 4096);
 * assert.equal(messageSize({ type: "Ping" }), '{"type":"Ping"}'.length);
 * ```
 */
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
