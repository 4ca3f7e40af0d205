/**
 * Single-decree Paxos as a pure state machine, after Lamport, "Paxos Made Simple" (2001), §2,
 * in the shape of {@linkcode RaftNode}: one entry point for messages
 * ({@linkcode PaxosNode.step}), one for the proposer's retry timer, and output pulled as data
 * ({@linkcode PaxosNode.ready}): durable state to persist, messages to send, the timer to
 * (re)arm and state changes to trace. The caller (`single_decree.ts` on the simulator, or a
 * test) carries them out, persisting before it sends.
 *
 * Guarantees (safety, §2.1): only a proposed value is chosen, only one value is chosen, and a
 * learner learns a value only once it has been chosen, whatever the network does, provided the
 * acceptor's `hardState` reaches stable storage before its replies leave.
 * Non-goals: liveness (§2.4): two proposers can preempt each other forever; `retry: "backoff"`
 * makes that unlikely.
 *
 * One node may play several roles (the usual deployment): membership in `acceptors`,
 * `learners` and `proposers` decides which.
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

/** A proposal an acceptor has accepted: a ballot and its value. */
export interface AcceptedProposal {
  readonly ballot: Ballot;
  readonly value: string;
}

/** The messages of single-decree Paxos, named as in the paper (plus a client's `Propose`). */
export type PaxosMessage =
  /** A client asks a proposer to get `value` chosen. */
  | { type: "Propose"; value: string }
  /** Phase 1a: a proposer asks acceptors to promise to ignore ballots below `ballot`. */
  | { type: "Prepare"; ballot: Ballot }
  /** Phase 1b: the promise, with the highest-ballot proposal the acceptor has accepted. */
  | { type: "Promise"; ballot: Ballot; accepted: AcceptedProposal | null }
  /** Phase 2a: a proposer asks acceptors to accept `value` at `ballot`. */
  | { type: "Accept"; ballot: Ballot; value: string }
  /** Phase 2b: an acceptor accepted; sent to the proposer and to every learner. */
  | { type: "Accepted"; ballot: Ballot; value: string }
  /** An optimisation from §2.3: tells a proposer it was preempted by `promised`. */
  | { type: "Nack"; ballot: Ballot; promised: Ballot };

/**
 * `correct`, or a known-broken variant the checkers must catch: `forget-accepted` acceptors
 * answer Prepare without their highest accepted proposal, so a later proposer can overwrite a
 * chosen value.
 */
export type PaxosVariant = "correct" | "forget-accepted";

/** The variants, for parameters and UIs. */
export const PAXOS_VARIANTS: readonly PaxosVariant[] = ["correct", "forget-accepted"];

/** What a preempted proposer does. */
export type RetryPolicy = "immediate" | "backoff";

/** Slot number used in traces by single-decree Paxos (Multi-Paxos has many). */
export const SINGLE_SLOT = 0;

/** The roles and knobs of a single-decree Paxos deployment (shared by every node). */
export interface PaxosOptions {
  /** The acceptors; a quorum is a majority of them. */
  acceptors: readonly NodeId[];
  /** The learners. @default the acceptors */
  learners?: readonly NodeId[];
  /** The proposers; a `Propose` sent to anyone else is ignored. @default the acceptors */
  proposers?: readonly NodeId[];
  /** @default "correct" */
  variant?: PaxosVariant;
  /**
   * What a proposer does when preempted (a Nack): start a higher ballot at once, or after a
   * random delay that doubles with each failed attempt. @default "immediate"
   */
  retry?: RetryPolicy;
  /** How long a proposer waits for a quorum before trying a higher ballot. @default 40 */
  retryTimeoutMs?: number;
  /** First backoff window for `retry: "backoff"`, in ms. @default 10 */
  backoffMs?: number;
}

/**
 * Fills in the defaults of {@linkcode PaxosOptions} and validates them up front.
 *
 * @param where The name errors start with, e.g. `paxosNode`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePaxosOptions } from "./single_decree_node.ts";
 * assert.equal(resolvePaxosOptions({ acceptors: ["n1"] }).retryTimeoutMs, 40);
 * assert.throws(() => resolvePaxosOptions({ acceptors: [] }), /option acceptors/);
 * ```
 */
export function resolvePaxosOptions(
  options: PaxosOptions,
  where = "PaxosNode",
): Required<PaxosOptions> {
  if (!Array.isArray(options.acceptors) || options.acceptors.length === 0) {
    throw new RangeError(`${where} option acceptors must be a non-empty list of node ids`);
  }
  const resolved = {
    acceptors: options.acceptors,
    learners: options.learners ?? options.acceptors,
    proposers: options.proposers ?? options.acceptors,
    variant: options.variant ?? "correct",
    retry: options.retry ?? "immediate",
    retryTimeoutMs: options.retryTimeoutMs ?? 40,
    backoffMs: options.backoffMs ?? 10,
  };
  if (!PAXOS_VARIANTS.includes(resolved.variant)) {
    throw new RangeError(
      `${where} option variant must be one of ${
        PAXOS_VARIANTS.join(", ")
      }, got ${resolved.variant}`,
    );
  }
  if (resolved.retry !== "immediate" && resolved.retry !== "backoff") {
    throw new RangeError(
      `${where} option retry must be immediate or backoff, got ${resolved.retry}`,
    );
  }
  if (!(resolved.retryTimeoutMs > 0)) {
    throw new RangeError(
      `${where} option retryTimeoutMs must be > 0, got ${resolved.retryTimeoutMs}`,
    );
  }
  if (!(resolved.backoffMs > 0)) {
    throw new RangeError(`${where} option backoffMs must be > 0, got ${resolved.backoffMs}`);
  }
  return resolved;
}

/**
 * What a node keeps on stable storage: the acceptor's promise and accepted proposal (§2.2: an
 * acceptor that forgot either could let two values be chosen) and the proposer's last round
 * (so that after a restart it never reuses a ballot, which would break P2).
 */
export interface PaxosHardState {
  promised: Ballot;
  accepted: AcceptedProposal | null;
  proposerRound: number;
}

/** Options of a {@linkcode PaxosNode}: the deployment's, plus this node's own. */
export interface PaxosNodeOptions extends PaxosOptions {
  /** This node's id; its roles follow from the lists. */
  id: NodeId;
  /** A uniform random number in [0, 1): draws backoff delays. */
  random: () => number;
  /** Durable state recovered after a restart. @default nothing promised or accepted */
  hardState?: PaxosHardState;
}

/** A message for the caller to send. */
export interface PaxosOutgoing {
  to: NodeId;
  msg: PaxosMessage;
}

/**
 * What the caller must do after a call into the node, in this order: persist `hardState`, trace
 * `changes`, send `messages`, arm `timers`.
 */
export interface PaxosReady {
  messages: PaxosOutgoing[];
  /** Durable state to write to stable storage, or null when unchanged. */
  hardState: PaxosHardState | null;
  /** The proposer's retry timer: a delay in ms (re)arms it, null stops it. */
  timers: { retry?: number | null };
  /** State changes for the trace: `promised`, `accepted`, `proposed`, `ballot`, `chosen`. */
  changes: [key: string, value: unknown][];
}

function emptyReady(): PaxosReady {
  return { messages: [], hardState: null, timers: {}, changes: [] };
}

/** Where a proposer is in its current ballot. */
export type ProposerPhase = "idle" | "prepare" | "accept" | "done";

/**
 * One single-decree Paxos node: acceptor, proposer and learner as its options say.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PaxosNode } from "./single_decree_node.ts";
 * const node = new PaxosNode({ id: "n1", acceptors: ["n1", "n2", "n3"], random: () => 0.5 });
 * node.step("client", { type: "Propose", value: "x" });
 * const ready = node.ready();
 * assert.equal(node.phase, "prepare");
 * assert.deepEqual(ready.messages.map((m) => `${m.to} ${m.msg.type}`), [
 *   "n1 Prepare",
 *   "n2 Prepare",
 *   "n3 Prepare",
 * ]);
 * assert.equal(ready.hardState?.proposerRound, 1); // persisted before the Prepares leave
 * ```
 */
export class PaxosNode {
  readonly id: NodeId;
  readonly isAcceptor: boolean;
  readonly isProposer: boolean;
  readonly isLearner: boolean;
  #options: Required<PaxosOptions>;
  #random: () => number;
  #quorum: number;
  #ready: PaxosReady = emptyReady();
  #hardDirty = false;
  // Acceptor (durable).
  #promised: Ballot;
  #accepted: AcceptedProposal | null;
  // Proposer: the round is durable, the rest volatile.
  #proposerRound: number;
  #value: string | null = null;
  #ballot: Ballot = ZERO_BALLOT;
  #highestSeen: Ballot = ZERO_BALLOT;
  #phase: ProposerPhase = "idle";
  #promises = new Map<NodeId, AcceptedProposal | null>();
  #attempt = 0;
  // Learner (volatile).
  #votes = new Map<string, Set<NodeId>>();
  #chosen: string | null = null;

  constructor(options: PaxosNodeOptions) {
    this.#options = resolvePaxosOptions(options);
    if (typeof options.random !== "function") {
      throw new RangeError("PaxosNode option random must be a function returning [0, 1)");
    }
    this.id = options.id;
    this.#random = options.random;
    this.isAcceptor = this.#options.acceptors.includes(this.id);
    this.isProposer = this.#options.proposers.includes(this.id);
    // A proposer also learns, so it can stop once its (or another) value is chosen.
    this.isLearner = this.#options.learners.includes(this.id) || this.isProposer;
    this.#quorum = majority(this.#options.acceptors.length);
    this.#promised = options.hardState?.promised ?? ZERO_BALLOT;
    this.#accepted = options.hardState?.accepted ?? null;
    this.#proposerRound = options.hardState?.proposerRound ?? 0;
  }

  /** The highest ballot this acceptor promised (durable). */
  get promised(): Ballot {
    return this.#promised;
  }
  /** The highest-ballot proposal this acceptor accepted (durable), or null. */
  get accepted(): AcceptedProposal | null {
    return this.#accepted;
  }
  /** The value this node learned, or null. */
  get chosen(): string | null {
    return this.#chosen;
  }
  /** The proposer's current ballot (ZERO_BALLOT before its first). */
  get ballot(): Ballot {
    return this.#ballot;
  }
  /** Where the proposer is. */
  get phase(): ProposerPhase {
    return this.#phase;
  }

  /** Drains the pending output. Call after every entry point. */
  ready(): PaxosReady {
    const out = this.#ready;
    if (this.#hardDirty) {
      out.hardState = {
        promised: this.#promised,
        accepted: this.#accepted,
        proposerRound: this.#proposerRound,
      };
    }
    this.#ready = emptyReady();
    this.#hardDirty = false;
    return out;
  }

  /** Handles one message; a message for a role this node does not play is ignored. */
  step(from: NodeId, msg: PaxosMessage): void {
    switch (msg.type) {
      case "Propose":
        if (this.isProposer) this.#handlePropose(msg.value);
        return;
      case "Prepare":
        if (this.isAcceptor) this.#handlePrepare(from, msg.ballot);
        return;
      case "Promise":
        if (this.isProposer) this.#handlePromise(from, msg.ballot, msg.accepted);
        return;
      case "Accept":
        if (this.isAcceptor) this.#handleAccept(from, msg.ballot, msg.value);
        return;
      case "Accepted":
        if (this.isLearner && this.#learn(from, msg.ballot, msg.value) && this.isProposer) {
          this.#becomeDone();
        }
        return;
      case "Nack":
        if (this.isProposer) this.#handleNack(msg.ballot, msg.promised);
        return;
      default: {
        const never: never = msg;
        throw new TypeError(`PaxosNode cannot handle message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The proposer's retry timer fired: no quorum in time, or a backoff ended; try again. */
  retryTimeout(): void {
    if (this.isProposer) this.#startPhase1();
  }

  // --- acceptor (§2.2, phases 1b and 2b) --------------------------------------------------

  /** Phase 1b: promise never to accept a ballot below `ballot`, if no higher one was promised. */
  #handlePrepare(from: NodeId, ballot: Ballot): void {
    const promised = this.#promised;
    if (compareBallots(ballot, promised) <= 0) {
      return this.#send(from, { type: "Nack", ballot, promised });
    }
    // Persisted before the reply leaves: the promise must survive a crash (§2.2).
    this.#promised = ballot;
    this.#hardDirty = true;
    this.#change("promised", formatBallot(ballot));
    const accepted = this.#options.variant === "forget-accepted" ? null : this.#accepted;
    this.#send(from, { type: "Promise", ballot, accepted });
  }

  /** Phase 2b: accept unless a higher ballot was promised in the meantime. */
  #handleAccept(from: NodeId, ballot: Ballot, value: string): void {
    const promised = this.#promised;
    if (compareBallots(ballot, promised) < 0) {
      return this.#send(from, { type: "Nack", ballot, promised });
    }
    this.#promised = ballot;
    this.#accepted = { ballot, value };
    this.#hardDirty = true;
    this.#change("accepted", { slot: SINGLE_SLOT, ballot: formatBallot(ballot), value });
    const notify = new Set([...this.#options.learners, from]);
    for (const to of notify) this.#send(to, { type: "Accepted", ballot, value });
  }

  // --- proposer (§2.2, phases 1a and 2a) --------------------------------------------------

  #handlePropose(value: string): void {
    if (this.#value !== null || this.#phase === "done") return;
    this.#value = value;
    this.#change("proposed", { slot: SINGLE_SLOT, value });
    this.#startPhase1();
  }

  /** Phase 1a: pick a ballot above anything seen and ask every acceptor for promises. */
  #startPhase1(): void {
    if (this.#phase === "done" || this.#value === null) return;
    const seen = maxBallot(this.#highestSeen, { round: this.#proposerRound, proposer: this.id });
    this.#ballot = nextBallot(seen, this.id);
    this.#proposerRound = this.#ballot.round;
    this.#hardDirty = true;
    this.#change("ballot", this.#ballot.round);
    this.#phase = "prepare";
    this.#promises.clear();
    this.#attempt++;
    for (const to of this.#options.acceptors) {
      this.#send(to, { type: "Prepare", ballot: this.#ballot });
    }
    this.#ready.timers.retry = this.#options.retryTimeoutMs;
  }

  #handlePromise(from: NodeId, ballot: Ballot, accepted: AcceptedProposal | null): void {
    if (this.#phase !== "prepare" || !sameBallot(ballot, this.#ballot)) return;
    this.#promises.set(from, accepted);
    if (this.#promises.size >= this.#quorum) this.#startPhase2();
  }

  /**
   * Phase 2a: the value is that of the highest-ballot proposal reported by the quorum, or our
   * own if none was reported (§2.2, P2c).
   */
  #startPhase2(): void {
    if (this.#phase !== "prepare" || this.#promises.size < this.#quorum) {
      throw new Error(
        `Cannot start phase 2 from ${this.#phase} with ${this.#promises.size} promises`,
      );
    }
    let highest: AcceptedProposal | null = null;
    for (const proposal of this.#promises.values()) {
      if (proposal && (!highest || compareBallots(proposal.ballot, highest.ballot) > 0)) {
        highest = proposal;
      }
    }
    const value = highest?.value ?? this.#value!;
    this.#phase = "accept";
    for (const to of this.#options.acceptors) {
      this.#send(to, { type: "Accept", ballot: this.#ballot, value });
    }
  }

  #handleNack(ballot: Ballot, promised: Ballot): void {
    this.#highestSeen = maxBallot(this.#highestSeen, promised);
    if (!sameBallot(ballot, this.#ballot) || this.#phase === "idle" || this.#phase === "done") {
      return;
    }
    // Preempted: someone holds a higher ballot. Retrying at once is what makes two
    // proposers duel (§2.4); backing off for a random, growing time breaks the symmetry.
    this.#phase = "idle";
    if (this.#options.retry === "immediate") return this.#startPhase1();
    const window = this.#options.backoffMs * 2 ** Math.min(this.#attempt, 6);
    this.#ready.timers.retry = this.#random() * window;
  }

  /** The value is chosen: the proposer stops for good. */
  #becomeDone(): void {
    if (this.#chosen === null) throw new Error("Cannot stop proposing: nothing is chosen yet");
    this.#phase = "done";
    this.#ready.timers.retry = null;
  }

  // --- learner (§2.3) ---------------------------------------------------------------------

  /** A value is chosen once a majority of acceptors accepted one ballot; true when learned now. */
  #learn(from: NodeId, ballot: Ballot, value: string): boolean {
    if (this.#chosen !== null) return false;
    const key = `${formatBallot(ballot)}|${value}`;
    const voters = this.#votes.get(key) ?? new Set<NodeId>();
    voters.add(from);
    this.#votes.set(key, voters);
    if (voters.size < this.#quorum) return false;
    this.#chosen = value;
    this.#change("chosen", { slot: SINGLE_SLOT, value });
    return true;
  }

  // --- helpers ----------------------------------------------------------------------------

  #send(to: NodeId, msg: PaxosMessage): void {
    this.#ready.messages.push({ to, msg });
  }

  #change(key: string, value: unknown): void {
    this.#ready.changes.push([key, value]);
  }
}
