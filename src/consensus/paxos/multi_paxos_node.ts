/**
 * Multi-Paxos with a distinguished leader: one Paxos instance per log slot, phase 1 run once
 * by a new leader for every slot it does not know to be decided, then phase 2 alone per slot
 * ("Paxos Made Simple" §3; the leader and heartbeats follow "Paxos Made Live" and
 * van Renesse & Altinbuken, "Paxos Made Moderately Complex").
 *
 * Every node is proposer, acceptor and learner. A node whose election timer fires (no
 * heartbeat from a leader within a random timeout) becomes a candidate with a higher ballot;
 * a quorum of promises makes it leader. While it hears heartbeats, an acceptor refuses other
 * candidates' Prepare (a lease: it keeps a live leader from being deposed by a node that
 * merely lost touch). On takeover the leader re-proposes the highest-ballot value reported
 * for each open slot and fills gaps with no-ops, so the log has no holes.
 *
 * Guarantees: at most one command is chosen per slot, and only proposed commands (or the
 * no-op) are chosen, whatever the network and crashes do; acceptor state is durable.
 * A learner that missed decisions (a lost `Decide`, a restart) notices from the leader's
 * heartbeat and asks for them (`CatchUp`).
 * Non-goals: log compaction, reconfiguration, client deduplication or retries.
 *
 * The replica is a pure state machine in the shape of {@linkcode RaftNode}: messages go in
 * through {@linkcode MultiPaxosNode.step}, timers through `electionTimeout()` and
 * `heartbeatTimeout()`, and {@linkcode MultiPaxosNode.ready} hands back what to persist, send,
 * arm and trace. `multi_paxos.ts` carries that out on the kernel.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import {
  type Ballot,
  compareBallots,
  formatBallot,
  majority,
  maxBallot,
  nextBallot,
  sameBallot,
  ZERO_BALLOT,
} from "./ballot.ts";
import { PAXOS_VARIANTS, type PaxosVariant } from "./single_decree_node.ts";

/** The value a leader proposes to fill a slot nobody proposed anything for. */
export const PAXOS_NOOP = "noop";

/** A proposal accepted for one slot. */
export interface SlotProposal {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly value: string;
}

/** The messages of Multi-Paxos. */
export type MultiPaxosMessage =
  /** A client asks for `command` to be appended to the log. */
  | { type: "Request"; command: string }
  /** Phase 1a for every slot from `fromSlot` on. */
  | { type: "Prepare"; ballot: Ballot; fromSlot: number }
  /** Phase 1b: the promise and every proposal accepted at or after `fromSlot`. */
  | { type: "Promise"; ballot: Ballot; accepted: SlotProposal[] }
  /** Phase 2a for one slot. */
  | { type: "Accept"; ballot: Ballot; slot: number; value: string }
  /** Phase 2b, to the leader. */
  | { type: "Accepted"; ballot: Ballot; slot: number; value: string }
  /** A higher ballot was promised. */
  | { type: "Nack"; ballot: Ballot; promised: Ballot }
  /** The leader tells every learner a slot's value is chosen. */
  | { type: "Decide"; slot: number; value: string }
  /** The leader is alive, and knows every slot below `firstUnchosen` is chosen. */
  | { type: "Heartbeat"; ballot: Ballot; firstUnchosen: number }
  /** A lagging learner asks the leader for the decisions from `fromSlot` on. */
  | { type: "CatchUp"; fromSlot: number };

/** The knobs of a Multi-Paxos deployment (shared by every replica). */
export interface MultiPaxosOptions {
  /** Every replica (each is proposer, acceptor and learner). */
  nodes: readonly NodeId[];
  /** @default "correct" */
  variant?: PaxosVariant;
  /** Leader heartbeat period. @default 50 */
  heartbeatMs?: number;
  /** Election timeouts are uniform in [min, max]. @default 150 */
  electionTimeoutMinMs?: number;
  /** @default 300 */
  electionTimeoutMaxMs?: number;
}

/**
 * Fills in the defaults of {@linkcode MultiPaxosOptions} and validates them up front.
 *
 * @param where The name errors start with, e.g. `multiPaxosNode`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMultiPaxosOptions } from "./multi_paxos_node.ts";
 * assert.equal(resolveMultiPaxosOptions({ nodes: ["n1"] }).heartbeatMs, 50);
 * assert.throws(() => resolveMultiPaxosOptions({ nodes: [] }), /option nodes/);
 * ```
 */
export function resolveMultiPaxosOptions(
  options: MultiPaxosOptions,
  where = "MultiPaxosNode",
): Required<MultiPaxosOptions> {
  if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
    throw new RangeError(`${where} option nodes must be a non-empty list of node ids`);
  }
  const resolved = {
    nodes: options.nodes,
    variant: options.variant ?? "correct",
    heartbeatMs: options.heartbeatMs ?? 50,
    electionTimeoutMinMs: options.electionTimeoutMinMs ?? 150,
    electionTimeoutMaxMs: options.electionTimeoutMaxMs ?? 300,
  };
  if (!PAXOS_VARIANTS.includes(resolved.variant)) {
    throw new RangeError(
      `${where} option variant must be one of ${
        PAXOS_VARIANTS.join(", ")
      }, got ${resolved.variant}`,
    );
  }
  if (!(resolved.heartbeatMs > 0)) {
    throw new RangeError(
      `${where} option heartbeatMs must be > 0, got ${resolved.heartbeatMs}`,
    );
  }
  if (
    !(resolved.electionTimeoutMinMs > resolved.heartbeatMs &&
      resolved.electionTimeoutMaxMs >= resolved.electionTimeoutMinMs)
  ) {
    throw new RangeError(
      `${where} options need heartbeatMs < electionTimeoutMinMs <= electionTimeoutMaxMs, got ${resolved.heartbeatMs}, ${resolved.electionTimeoutMinMs}, ${resolved.electionTimeoutMaxMs}`,
    );
  }
  return resolved;
}

/** Options of a {@linkcode MultiPaxosNode}: the deployment's, plus this replica's own. */
export interface MultiPaxosNodeOptions extends MultiPaxosOptions {
  /** This replica's id (one of `nodes`). */
  id: NodeId;
  /** A uniform random number in [0, 1): randomizes election timeouts. */
  random: () => number;
  /**
   * This replica's monotonic clock in ms, for the leader lease: it may drift but must not jump,
   * or a clock jump would end (or stretch) a lease.
   */
  now: () => number;
  /** The promise recovered after a restart. @default nothing promised */
  promised?: Ballot;
  /** Accepted proposals recovered after a restart. @default [] */
  accepted?: readonly SlotProposal[];
}

/** A message for the caller to send. */
export interface MultiPaxosOutgoing {
  to: NodeId;
  msg: MultiPaxosMessage;
}

/**
 * What the caller must do after a call into the replica, in this order: persist `persist`;
 * send `messages` and trace `changes`, interleaved as the replica produced them (each change
 * says how many messages came before it); arm `timers`.
 */
export interface MultiPaxosReady {
  messages: MultiPaxosOutgoing[];
  /** Durable writes: a new promise, and proposals accepted (in order); null when none. */
  persist: { promised: Ballot | null; accepted: SlotProposal[] } | null;
  /** Timer requests: a delay in ms arms (or re-arms) the timer, null stops it. */
  timers: { election?: number | null; heartbeat?: number | null };
  /**
   * State changes for the trace (`role`, `ballot`, `promised`, `accepted`, `chosen`), each with
   * the number of `messages` sent before it: a follower that learns of a leader forwards the
   * requests it held before it records the proposal that told it, and the trace says so.
   */
  changes: [key: string, value: unknown, messagesBefore: number][];
}

function emptyReady(): MultiPaxosReady {
  return { messages: [], persist: null, timers: {}, changes: [] };
}

/** A replica's role in leader election. */
export type MultiPaxosRole = "follower" | "candidate" | "leader";

/**
 * One Multi-Paxos replica: proposer, acceptor and learner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MultiPaxosNode } from "./multi_paxos_node.ts";
 * const node = new MultiPaxosNode({ id: "n1", nodes: ["n1", "n2", "n3"], random: () => 0, now: () => 0 });
 * node.start();
 * assert.equal(node.ready().timers.election, 150);
 * node.electionTimeout(); // no heartbeat in time: stand with a higher ballot
 * const ready = node.ready();
 * assert.equal(node.role, "candidate");
 * assert.deepEqual(ready.messages.map((m) => `${m.to} ${m.msg.type}`), [
 *   "n1 Prepare",
 *   "n2 Prepare",
 *   "n3 Prepare",
 * ]);
 * ```
 */
export class MultiPaxosNode {
  readonly id: NodeId;
  #o: Required<MultiPaxosOptions>;
  #random: () => number;
  #now: () => number;
  #ready: MultiPaxosReady = emptyReady();
  // Acceptor state (durable: every change goes out in `persist` before any reply).
  #promised: Ballot;
  #accepted = new Map<number, SlotProposal>();
  // Learner state (volatile: a restarted replica re-learns from Decide messages).
  #chosen = new Map<number, string>();
  // Proposer / leader state (volatile).
  #role: MultiPaxosRole = "follower";
  #ballot: Ballot = ZERO_BALLOT;
  #highestSeen: Ballot;
  #promises = new Map<NodeId, SlotProposal[]>();
  #fromSlot = 0;
  #nextSlot = 0;
  #votes = new Map<number, { value: string; voters: Set<NodeId> }>();
  #pending: string[] = [];
  #leaderHint: NodeId | null = null;
  #leaseUntil = -Infinity;

  constructor(options: MultiPaxosNodeOptions) {
    this.#o = resolveMultiPaxosOptions(options);
    if (!this.#o.nodes.includes(options.id)) {
      throw new RangeError(`MultiPaxosNode option id ${options.id} is not one of nodes`);
    }
    this.id = options.id;
    this.#random = options.random;
    this.#now = options.now;
    this.#promised = options.promised ?? ZERO_BALLOT;
    this.#highestSeen = this.#promised;
    for (const proposal of options.accepted ?? []) this.#accepted.set(proposal.slot, proposal);
  }

  /** The replica's role. */
  get role(): MultiPaxosRole {
    return this.#role;
  }
  /** The highest ballot this acceptor promised (durable). */
  get promised(): Ballot {
    return this.#promised;
  }
  /** The ballot this replica stands or leads with (ZERO_BALLOT before its first election). */
  get ballot(): Ballot {
    return this.#ballot;
  }
  /** The leader this replica last heard from (itself when leading), or null. */
  get leaderHint(): NodeId | null {
    return this.#leaderHint;
  }

  /** The chosen log this replica has learned (holes are undefined). */
  log(): (string | undefined)[] {
    const out: (string | undefined)[] = [];
    for (const [slot, value] of this.#chosen) out[slot] = value;
    return out;
  }

  /** Boots the replica as a follower waiting for a leader's heartbeat. */
  start(): void {
    this.#change("role", "follower");
    this.#armElection();
  }

  /** Drains the pending output. Call after every entry point. */
  ready(): MultiPaxosReady {
    const out = this.#ready;
    this.#ready = emptyReady();
    return out;
  }

  /** Handles one message; the exhaustive switch is the whole protocol surface. */
  step(from: NodeId, msg: MultiPaxosMessage): void {
    switch (msg.type) {
      case "Request":
        return this.#handleRequest(msg.command);
      case "Prepare":
        return this.#handlePrepare(from, msg.ballot, msg.fromSlot);
      case "Promise":
        return this.#handlePromise(from, msg.ballot, msg.accepted);
      case "Accept":
        return this.#handleAccept(from, msg.ballot, msg.slot, msg.value);
      case "Accepted":
        return this.#handleAccepted(from, msg.ballot, msg.slot, msg.value);
      case "Nack":
        return this.#handleNack(msg.ballot, msg.promised);
      case "Decide":
        return this.#learn(msg.slot, msg.value);
      case "Heartbeat":
        return this.#handleHeartbeat(from, msg.ballot, msg.firstUnchosen);
      case "CatchUp":
        return this.#handleCatchUp(from, msg.fromSlot);
      default: {
        const never: never = msg;
        throw new TypeError(`MultiPaxosNode cannot handle message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The election timer fired: no heartbeat from a leader in time, so stand (leaders don't). */
  electionTimeout(): void {
    if (this.#role !== "leader") this.#becomeCandidate();
  }

  /** The heartbeat timer fired: a leader tells everyone it is alive. */
  heartbeatTimeout(): void {
    this.#sendHeartbeats();
  }

  // ---- client requests --------------------------------------------------------------------

  #handleRequest(command: string): void {
    if (this.#role === "leader") return this.#propose(this.#nextSlot++, command);
    // Forward only to a leader heard from recently; a silent one may be dead.
    const leaderAlive = this.#now() < this.#leaseUntil;
    if (this.#role === "follower" && this.#leaderHint !== null && leaderAlive) {
      return this.#send(this.#leaderHint, { type: "Request", command });
    }
    // No known leader: keep it until we become leader or learn who is.
    if (this.#pending.length < 64) this.#pending.push(command);
  }

  #flushPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const command of pending) this.#handleRequest(command);
  }

  // ---- acceptor ---------------------------------------------------------------------------

  #promise(ballot: Ballot): void {
    if (compareBallots(ballot, this.#promised) <= 0) return;
    this.#promised = ballot;
    this.#persist().promised = ballot;
    this.#change("promised", formatBallot(ballot));
  }

  /** Phase 1b for all slots from `fromSlot`, refused while a lease on a live leader holds. */
  #handlePrepare(from: NodeId, ballot: Ballot, fromSlot: number): void {
    const leased = from !== this.#leaderHint && this.#now() < this.#leaseUntil;
    if (compareBallots(ballot, this.#promised) <= 0 || leased) {
      return this.#send(from, { type: "Nack", ballot, promised: this.#promised });
    }
    this.#promise(ballot);
    this.#observe(ballot);
    const accepted = this.#o.variant === "forget-accepted"
      ? []
      : [...this.#accepted.values()].filter((p) => p.slot >= fromSlot);
    this.#send(from, { type: "Promise", ballot, accepted });
  }

  /** Phase 2b for one slot. */
  #handleAccept(from: NodeId, ballot: Ballot, slot: number, value: string): void {
    if (compareBallots(ballot, this.#promised) < 0) {
      return this.#send(from, { type: "Nack", ballot, promised: this.#promised });
    }
    this.#promise(ballot);
    this.#observe(ballot);
    this.#heardFromLeader(from);
    const proposal = { slot, ballot, value };
    this.#accepted.set(slot, proposal);
    this.#persist().accepted.push(proposal);
    this.#change("accepted", { slot, ballot: formatBallot(ballot), value });
    this.#send(from, { type: "Accepted", ballot, slot, value });
  }

  #handleHeartbeat(from: NodeId, ballot: Ballot, firstUnchosen: number): void {
    if (compareBallots(ballot, this.#promised) < 0) {
      return this.#send(from, { type: "Nack", ballot, promised: this.#promised });
    }
    this.#observe(ballot);
    this.#heardFromLeader(from);
    const mine = this.#firstUnchosen();
    if (mine < firstUnchosen) this.#send(from, { type: "CatchUp", fromSlot: mine });
  }

  /** Resends decisions a learner missed, at most 64 per request. */
  #handleCatchUp(from: NodeId, fromSlot: number): void {
    if (this.#role !== "leader") return;
    let sent = 0;
    for (let slot = fromSlot; sent < 64 && this.#chosen.has(slot); slot++, sent++) {
      this.#send(from, { type: "Decide", slot, value: this.#chosen.get(slot)! });
    }
  }

  #heardFromLeader(leader: NodeId): void {
    if (leader === this.id) return;
    if (this.#role !== "follower") this.#becomeFollower();
    this.#leaderHint = leader;
    this.#leaseUntil = this.#now() + this.#o.electionTimeoutMinMs;
    this.#armElection();
    this.#flushPending();
  }

  // ---- proposer: leader election (phase 1 once for all open slots) -------------------------

  /** Stands for leader with a ballot above any seen: phase 1a for every open slot. */
  #becomeCandidate(): void {
    if (this.#role === "leader") throw new Error("Cannot become candidate: already leader");
    this.#role = "candidate";
    this.#leaderHint = null;
    this.#ballot = nextBallot(maxBallot(this.#highestSeen, this.#promised), this.id);
    this.#highestSeen = this.#ballot;
    this.#change("role", "candidate");
    this.#change("ballot", this.#ballot.round);
    this.#fromSlot = this.#firstUnchosen();
    this.#promises.clear();
    for (const to of this.#o.nodes) {
      this.#send(to, { type: "Prepare", ballot: this.#ballot, fromSlot: this.#fromSlot });
    }
    this.#armElection();
  }

  #handlePromise(from: NodeId, ballot: Ballot, accepted: SlotProposal[]): void {
    if (this.#role !== "candidate" || !sameBallot(ballot, this.#ballot)) return;
    this.#promises.set(from, accepted);
    if (this.#promises.size < majority(this.#o.nodes.length)) return;
    this.#becomeLeader();
  }

  /**
   * Phase 2a for every open slot: the highest-ballot value a promise reported (P2c), or a
   * no-op for a gap, so that later slots can be applied in order.
   */
  #becomeLeader(): void {
    if (this.#role !== "candidate" || this.#promises.size < majority(this.#o.nodes.length)) {
      throw new Error(
        `Cannot become leader from ${this.#role} with ${this.#promises.size} promises`,
      );
    }
    this.#role = "leader";
    this.#leaderHint = this.id;
    this.#change("role", "leader");
    const highest = new Map<number, SlotProposal>();
    for (const proposals of this.#promises.values()) {
      for (const p of proposals) {
        const seen = highest.get(p.slot);
        if (!seen || compareBallots(p.ballot, seen.ballot) > 0) highest.set(p.slot, p);
      }
    }
    let top = this.#fromSlot - 1;
    for (const slot of highest.keys()) top = Math.max(top, slot);
    for (const slot of this.#chosen.keys()) top = Math.max(top, slot);
    this.#votes.clear();
    for (let slot = this.#fromSlot; slot <= top; slot++) {
      if (this.#chosen.has(slot)) continue;
      this.#propose(slot, highest.get(slot)?.value ?? PAXOS_NOOP);
    }
    this.#nextSlot = top + 1;
    this.#ready.timers.election = null;
    this.#sendHeartbeats();
    this.#flushPending();
  }

  /** Stops standing or leading: a higher ballot exists, or another leader is alive. */
  #becomeFollower(): void {
    if (this.#role === "follower") throw new Error("Cannot step down: already a follower");
    this.#role = "follower";
    this.#votes.clear();
    this.#ready.timers.heartbeat = null;
    this.#change("role", "follower");
    this.#armElection();
  }

  #propose(slot: number, value: string): void {
    this.#votes.set(slot, { value, voters: new Set() });
    for (const to of this.#o.nodes) {
      this.#send(to, { type: "Accept", ballot: this.#ballot, slot, value });
    }
  }

  #handleAccepted(from: NodeId, ballot: Ballot, slot: number, value: string): void {
    if (this.#role !== "leader" || !sameBallot(ballot, this.#ballot)) return;
    const vote = this.#votes.get(slot);
    if (!vote || vote.value !== value) return;
    vote.voters.add(from);
    if (vote.voters.size < majority(this.#o.nodes.length)) return;
    this.#votes.delete(slot);
    this.#learn(slot, value);
    for (const to of this.#o.nodes) {
      if (to !== this.id) this.#send(to, { type: "Decide", slot, value });
    }
  }

  #handleNack(ballot: Ballot, promised: Ballot): void {
    this.#observe(promised);
    if (this.#role !== "follower" && sameBallot(ballot, this.#ballot)) {
      if (compareBallots(promised, this.#ballot) > 0) this.#becomeFollower();
    }
  }

  #observe(ballot: Ballot): void {
    this.#highestSeen = maxBallot(this.#highestSeen, ballot);
    if (this.#role === "leader" && compareBallots(ballot, this.#ballot) > 0) {
      this.#becomeFollower();
    }
  }

  #sendHeartbeats(): void {
    if (this.#role !== "leader") return;
    const firstUnchosen = this.#firstUnchosen();
    for (const to of this.#o.nodes) {
      if (to === this.id) continue;
      this.#send(to, { type: "Heartbeat", ballot: this.#ballot, firstUnchosen });
    }
    this.#ready.timers.heartbeat = this.#o.heartbeatMs;
  }

  /** A fresh timeout drawn uniformly each time, so that replicas rarely stand together. */
  #armElection(): void {
    const min = this.#o.electionTimeoutMinMs;
    this.#ready.timers.election = min + this.#random() * (this.#o.electionTimeoutMaxMs - min);
  }

  // ---- learner -------------------------------------------------------------------------------

  #learn(slot: number, value: string): void {
    if (this.#chosen.has(slot)) return;
    this.#chosen.set(slot, value);
    this.#change("chosen", { slot, value });
  }

  #firstUnchosen(): number {
    let slot = 0;
    while (this.#chosen.has(slot)) slot++;
    return slot;
  }

  // ---- helpers -------------------------------------------------------------------------------

  #persist(): { promised: Ballot | null; accepted: SlotProposal[] } {
    return this.#ready.persist ??= { promised: null, accepted: [] };
  }

  #send(to: NodeId, msg: MultiPaxosMessage): void {
    this.#ready.messages.push({ to, msg });
  }

  #change(key: string, value: unknown): void {
    this.#ready.changes.push([key, value, this.#ready.messages.length]);
  }
}
