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
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
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
import { PAXOS_VARIANTS, type PaxosVariant } from "./single_decree.ts";

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

/** Options of {@linkcode multiPaxosNode}. */
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

function resolve(options: MultiPaxosOptions): Required<MultiPaxosOptions> {
  if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
    throw new RangeError("multiPaxosNode option nodes must be a non-empty list of node ids");
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
      `multiPaxosNode option variant must be one of ${
        PAXOS_VARIANTS.join(", ")
      }, got ${resolved.variant}`,
    );
  }
  if (!(resolved.heartbeatMs > 0)) {
    throw new RangeError(
      `multiPaxosNode option heartbeatMs must be > 0, got ${resolved.heartbeatMs}`,
    );
  }
  if (
    !(resolved.electionTimeoutMinMs > resolved.heartbeatMs &&
      resolved.electionTimeoutMaxMs >= resolved.electionTimeoutMinMs)
  ) {
    throw new RangeError(
      `multiPaxosNode options need heartbeatMs < electionTimeoutMinMs <= electionTimeoutMaxMs, got ${resolved.heartbeatMs}, ${resolved.electionTimeoutMinMs}, ${resolved.electionTimeoutMaxMs}`,
    );
  }
  return resolved;
}

/** Durable keys of a Multi-Paxos replica. */
export const MULTI_PAXOS_STORAGE = {
  promised: "mp.promised",
  acceptedPrefix: "mp.accepted.",
} as const;

/** What a replica exposes for inspection. */
export interface MultiPaxosProcess extends Process<MultiPaxosMessage> {
  /** Whether this replica currently leads. */
  isLeader(): boolean;
  /** The chosen log this replica has learned (holes are undefined). */
  log(): (string | undefined)[];
}

type Role = "follower" | "candidate" | "leader";

class Replica implements MultiPaxosProcess {
  #rt: Runtime<MultiPaxosMessage>;
  #o: Required<MultiPaxosOptions>;
  // Acceptor state, mirrored from durable storage (written through before any reply).
  #promised: Ballot = ZERO_BALLOT;
  #accepted = new Map<number, SlotProposal>();
  // Learner state (volatile: a restarted replica re-learns from Decide messages).
  #chosen = new Map<number, string>();
  // Proposer / leader state (volatile).
  #role: Role = "follower";
  #ballot: Ballot = ZERO_BALLOT;
  #highestSeen: Ballot = ZERO_BALLOT;
  #promises = new Map<NodeId, SlotProposal[]>();
  #fromSlot = 0;
  #nextSlot = 0;
  #votes = new Map<number, { value: string; voters: Set<NodeId> }>();
  #pending: string[] = [];
  #leaderHint: NodeId | null = null;
  #leaseUntil = -Infinity;
  #electionTimer = -1;
  #heartbeatTimer = -1;

  constructor(rt: Runtime<MultiPaxosMessage>, options: Required<MultiPaxosOptions>) {
    this.#rt = rt;
    this.#o = options;
  }

  isLeader(): boolean {
    return this.#role === "leader";
  }

  log(): (string | undefined)[] {
    const out: (string | undefined)[] = [];
    for (const [slot, value] of this.#chosen) out[slot] = value;
    return out;
  }

  onStart(): void {
    const storage = this.#rt.storage;
    this.#promised = storage.get<Ballot>(MULTI_PAXOS_STORAGE.promised) ?? ZERO_BALLOT;
    this.#highestSeen = this.#promised;
    for (const key of storage.keys()) {
      if (!key.startsWith(MULTI_PAXOS_STORAGE.acceptedPrefix)) continue;
      const proposal = storage.get<SlotProposal>(key)!;
      this.#accepted.set(proposal.slot, proposal);
    }
    this.#rt.state("role", "follower");
    this.#armElection();
  }

  onMessage(from: NodeId, msg: MultiPaxosMessage): void {
    switch (msg.type) {
      case "Request":
        return this.#onRequest(msg.command);
      case "Prepare":
        return this.#onPrepare(from, msg.ballot, msg.fromSlot);
      case "Promise":
        return this.#onPromise(from, msg.ballot, msg.accepted);
      case "Accept":
        return this.#onAccept(from, msg.ballot, msg.slot, msg.value);
      case "Accepted":
        return this.#onAccepted(from, msg.ballot, msg.slot, msg.value);
      case "Nack":
        return this.#onNack(msg.ballot, msg.promised);
      case "Decide":
        return this.#learn(msg.slot, msg.value);
      case "Heartbeat":
        return this.#onHeartbeat(from, msg.ballot, msg.firstUnchosen);
      case "CatchUp":
        return this.#onCatchUp(from, msg.fromSlot);
      default: {
        const unknown: never = msg;
        throw new TypeError(
          `Multi-Paxos replica got an unknown message ${JSON.stringify(unknown)}`,
        );
      }
    }
  }

  onTimer(tag: string): void {
    if (tag === "mp.election") this.#startElection();
    else if (tag === "mp.heartbeat") this.#sendHeartbeats();
  }

  // ---- client requests --------------------------------------------------------------------

  #onRequest(command: string): void {
    if (this.#role === "leader") return this.#propose(this.#nextSlot++, command);
    // Forward only to a leader heard from recently; a silent one may be dead.
    const leaderAlive = this.#rt.monotonic() < this.#leaseUntil;
    if (this.#role === "follower" && this.#leaderHint !== null && leaderAlive) {
      this.#rt.send(this.#leaderHint, { type: "Request", command });
      return;
    }
    // No known leader: keep it until we become leader or learn who is.
    if (this.#pending.length < 64) this.#pending.push(command);
  }

  #flushPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const command of pending) this.#onRequest(command);
  }

  // ---- acceptor ---------------------------------------------------------------------------

  #promise(ballot: Ballot): void {
    if (compareBallots(ballot, this.#promised) <= 0) return;
    this.#promised = ballot;
    this.#rt.storage.set(MULTI_PAXOS_STORAGE.promised, ballot);
    this.#rt.state("promised", formatBallot(ballot));
  }

  /** Phase 1b for all slots from `fromSlot`, refused while a lease on a live leader holds. */
  #onPrepare(from: NodeId, ballot: Ballot, fromSlot: number): void {
    const leased = from !== this.#leaderHint && this.#rt.monotonic() < this.#leaseUntil;
    if (compareBallots(ballot, this.#promised) <= 0 || leased) {
      this.#rt.send(from, { type: "Nack", ballot, promised: this.#promised });
      return;
    }
    this.#promise(ballot);
    this.#observe(ballot);
    const accepted = this.#o.variant === "forget-accepted"
      ? []
      : [...this.#accepted.values()].filter((p) => p.slot >= fromSlot);
    this.#rt.send(from, { type: "Promise", ballot, accepted });
  }

  /** Phase 2b for one slot. */
  #onAccept(from: NodeId, ballot: Ballot, slot: number, value: string): void {
    if (compareBallots(ballot, this.#promised) < 0) {
      this.#rt.send(from, { type: "Nack", ballot, promised: this.#promised });
      return;
    }
    this.#promise(ballot);
    this.#observe(ballot);
    this.#heardFromLeader(from);
    const proposal = { slot, ballot, value };
    this.#accepted.set(slot, proposal);
    this.#rt.storage.set(MULTI_PAXOS_STORAGE.acceptedPrefix + slot, proposal);
    this.#rt.state("accepted", { slot, ballot: formatBallot(ballot), value });
    this.#rt.send(from, { type: "Accepted", ballot, slot, value });
  }

  #onHeartbeat(from: NodeId, ballot: Ballot, firstUnchosen: number): void {
    if (compareBallots(ballot, this.#promised) < 0) {
      this.#rt.send(from, { type: "Nack", ballot, promised: this.#promised });
      return;
    }
    this.#observe(ballot);
    this.#heardFromLeader(from);
    const mine = this.#firstUnchosen();
    if (mine < firstUnchosen) this.#rt.send(from, { type: "CatchUp", fromSlot: mine });
  }

  /** Resends decisions a learner missed, at most 64 per request. */
  #onCatchUp(from: NodeId, fromSlot: number): void {
    if (this.#role !== "leader") return;
    let sent = 0;
    for (let slot = fromSlot; sent < 64 && this.#chosen.has(slot); slot++, sent++) {
      this.#rt.send(from, { type: "Decide", slot, value: this.#chosen.get(slot)! });
    }
  }

  #heardFromLeader(leader: NodeId): void {
    if (leader === this.#rt.id) return;
    if (this.#role !== "follower") this.#stepDown();
    this.#leaderHint = leader;
    this.#leaseUntil = this.#rt.monotonic() + this.#o.electionTimeoutMinMs;
    this.#armElection();
    this.#flushPending();
  }

  // ---- proposer: leader election (phase 1 once for all open slots) -------------------------

  #startElection(): void {
    if (this.#role === "leader") return;
    this.#role = "candidate";
    this.#leaderHint = null;
    this.#ballot = nextBallot(maxBallot(this.#highestSeen, this.#promised), this.#rt.id);
    this.#highestSeen = this.#ballot;
    this.#rt.state("role", "candidate");
    this.#rt.state("ballot", this.#ballot.round);
    this.#fromSlot = this.#firstUnchosen();
    this.#promises.clear();
    for (const to of this.#o.nodes) {
      this.#rt.send(to, { type: "Prepare", ballot: this.#ballot, fromSlot: this.#fromSlot });
    }
    this.#armElection();
  }

  #onPromise(from: NodeId, ballot: Ballot, accepted: SlotProposal[]): void {
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
    this.#role = "leader";
    this.#leaderHint = this.#rt.id;
    this.#rt.state("role", "leader");
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
    this.#rt.cancelTimer(this.#electionTimer);
    this.#sendHeartbeats();
    this.#flushPending();
  }

  #propose(slot: number, value: string): void {
    this.#votes.set(slot, { value, voters: new Set() });
    for (const to of this.#o.nodes) {
      this.#rt.send(to, { type: "Accept", ballot: this.#ballot, slot, value });
    }
  }

  #onAccepted(from: NodeId, ballot: Ballot, slot: number, value: string): void {
    if (this.#role !== "leader" || !sameBallot(ballot, this.#ballot)) return;
    const vote = this.#votes.get(slot);
    if (!vote || vote.value !== value) return;
    vote.voters.add(from);
    if (vote.voters.size < majority(this.#o.nodes.length)) return;
    this.#votes.delete(slot);
    this.#learn(slot, value);
    for (const to of this.#o.nodes) {
      if (to !== this.#rt.id) this.#rt.send(to, { type: "Decide", slot, value });
    }
  }

  #onNack(ballot: Ballot, promised: Ballot): void {
    this.#observe(promised);
    if (this.#role !== "follower" && sameBallot(ballot, this.#ballot)) {
      if (compareBallots(promised, this.#ballot) > 0) this.#stepDown();
    }
  }

  #observe(ballot: Ballot): void {
    this.#highestSeen = maxBallot(this.#highestSeen, ballot);
    if (this.#role === "leader" && compareBallots(ballot, this.#ballot) > 0) this.#stepDown();
  }

  #stepDown(): void {
    this.#role = "follower";
    this.#votes.clear();
    this.#rt.cancelTimer(this.#heartbeatTimer);
    this.#rt.state("role", "follower");
    this.#armElection();
  }

  #sendHeartbeats(): void {
    if (this.#role !== "leader") return;
    const firstUnchosen = this.#firstUnchosen();
    for (const to of this.#o.nodes) {
      if (to === this.#rt.id) continue;
      this.#rt.send(to, { type: "Heartbeat", ballot: this.#ballot, firstUnchosen });
    }
    this.#heartbeatTimer = this.#rt.setTimer(this.#o.heartbeatMs, "mp.heartbeat");
  }

  #armElection(): void {
    this.#rt.cancelTimer(this.#electionTimer);
    const delay = this.#rt.random.uniform(
      this.#o.electionTimeoutMinMs,
      this.#o.electionTimeoutMaxMs,
    );
    this.#electionTimer = this.#rt.setTimer(delay, "mp.election");
  }

  // ---- learner -------------------------------------------------------------------------------

  #learn(slot: number, value: string): void {
    if (this.#chosen.has(slot)) return;
    this.#chosen.set(slot, value);
    this.#rt.state("chosen", { slot, value });
  }

  #firstUnchosen(): number {
    let slot = 0;
    while (this.#chosen.has(slot)) slot++;
    return slot;
  }
}

/**
 * Builds a Multi-Paxos replica.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { multiPaxosNode, type MultiPaxosMessage } from "./multi_paxos.ts";
 * const sim = new Simulation<MultiPaxosMessage>({ seed: 1 });
 * const nodes = ["n1", "n2", "n3"];
 * for (const id of nodes) sim.addNode(id, multiPaxosNode({ nodes }));
 * sim.run({ untilMs: 1000 });
 * ```
 */
export function multiPaxosNode(
  options: MultiPaxosOptions,
): ProcessFactory<MultiPaxosMessage, MultiPaxosProcess> {
  const resolved = resolve(options);
  return (rt) => new Replica(rt, resolved);
}
