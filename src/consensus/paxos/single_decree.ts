/**
 * Single-decree Paxos, after Lamport, "Paxos Made Simple" (2001), §2: proposers, acceptors
 * and learners agree on one value despite lost, delayed and duplicated messages and crashed
 * (then restarted) processes.
 *
 * Guarantees (safety, §2.1): only a proposed value is chosen, only one value is chosen, and a
 * learner learns a value only once it has been chosen. These hold whatever the network does,
 * provided acceptors keep their state in durable storage (here `Runtime.storage`, written
 * before every reply).
 * Non-goals: liveness is not guaranteed (§2.4): two proposers can preempt each other forever.
 * `retry: "backoff"` (randomised exponential backoff) makes that unlikely; a distinguished
 * leader, as in Multi-Paxos (`multi_paxos.ts`), makes it rare in practice.
 *
 * One node may play several roles (the usual deployment): membership in `acceptors`,
 * `learners` and `proposers` decides which.
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

/** Options of {@linkcode paxosNode}. */
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

/** Slot number used in traces by single-decree Paxos (Multi-Paxos has many). */
export const SINGLE_SLOT = 0;

function resolve(options: PaxosOptions): Required<PaxosOptions> {
  if (!Array.isArray(options.acceptors) || options.acceptors.length === 0) {
    throw new RangeError("paxosNode option acceptors must be a non-empty list of node ids");
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
      `paxosNode option variant must be one of ${
        PAXOS_VARIANTS.join(", ")
      }, got ${resolved.variant}`,
    );
  }
  if (resolved.retry !== "immediate" && resolved.retry !== "backoff") {
    throw new RangeError(
      `paxosNode option retry must be immediate or backoff, got ${resolved.retry}`,
    );
  }
  if (!(resolved.retryTimeoutMs > 0)) {
    throw new RangeError(
      `paxosNode option retryTimeoutMs must be > 0, got ${resolved.retryTimeoutMs}`,
    );
  }
  if (!(resolved.backoffMs > 0)) {
    throw new RangeError(`paxosNode option backoffMs must be > 0, got ${resolved.backoffMs}`);
  }
  return resolved;
}

/** Durable keys; exported so tests can inspect an acceptor's storage. */
export const PAXOS_STORAGE = {
  promised: "paxos.promised",
  accepted: "paxos.accepted",
  proposerRound: "paxos.proposerRound",
} as const;

/**
 * The acceptor (§2.2, phases 1b and 2b). Its two variables, the highest ballot promised and
 * the highest proposal accepted, are durable: a restarted acceptor that forgot a promise
 * could let two values be chosen.
 */
class Acceptor {
  #rt: Runtime<PaxosMessage>;
  #options: Required<PaxosOptions>;

  constructor(rt: Runtime<PaxosMessage>, options: Required<PaxosOptions>) {
    this.#rt = rt;
    this.#options = options;
  }

  get promised(): Ballot {
    return this.#rt.storage.get<Ballot>(PAXOS_STORAGE.promised) ?? ZERO_BALLOT;
  }

  get accepted(): AcceptedProposal | null {
    return this.#rt.storage.get<AcceptedProposal>(PAXOS_STORAGE.accepted) ?? null;
  }

  /** Phase 1b: promise never to accept a ballot below `ballot`, if no higher one was promised. */
  onPrepare(from: NodeId, ballot: Ballot): void {
    const promised = this.promised;
    if (compareBallots(ballot, promised) <= 0) {
      this.#rt.send(from, { type: "Nack", ballot, promised });
      return;
    }
    // Persist before replying: the promise must survive a crash (§2.2, "stable storage").
    this.#rt.storage.set(PAXOS_STORAGE.promised, ballot);
    this.#rt.state("promised", formatBallot(ballot));
    const accepted = this.#options.variant === "forget-accepted" ? null : this.accepted;
    this.#rt.send(from, { type: "Promise", ballot, accepted });
  }

  /** Phase 2b: accept unless a higher ballot was promised in the meantime. */
  onAccept(from: NodeId, ballot: Ballot, value: string): void {
    const promised = this.promised;
    if (compareBallots(ballot, promised) < 0) {
      this.#rt.send(from, { type: "Nack", ballot, promised });
      return;
    }
    this.#rt.storage.set(PAXOS_STORAGE.promised, ballot);
    this.#rt.storage.set(PAXOS_STORAGE.accepted, { ballot, value });
    this.#rt.state("accepted", { slot: SINGLE_SLOT, ballot: formatBallot(ballot), value });
    const notify = new Set([...this.#options.learners, from]);
    for (const to of notify) this.#rt.send(to, { type: "Accepted", ballot, value });
  }
}

/**
 * The proposer (§2.2, phases 1a and 2a). Its round is durable so that after a restart it
 * never reuses a ballot (two values under one ballot would break P2).
 */
class Proposer {
  #rt: Runtime<PaxosMessage>;
  #options: Required<PaxosOptions>;
  #value: string | null = null;
  #ballot: Ballot = ZERO_BALLOT;
  #highestSeen: Ballot = ZERO_BALLOT;
  #phase: "idle" | "prepare" | "accept" | "done" = "idle";
  #promises = new Map<NodeId, AcceptedProposal | null>();
  #timer = -1;
  #attempt = 0;

  constructor(rt: Runtime<PaxosMessage>, options: Required<PaxosOptions>) {
    this.#rt = rt;
    this.#options = options;
  }

  onPropose(value: string): void {
    if (this.#value !== null || this.#phase === "done") return;
    this.#value = value;
    this.#rt.state("proposed", { slot: SINGLE_SLOT, value });
    this.#startPhase1();
  }

  /** Phase 1a: pick a ballot above anything seen and ask every acceptor for promises. */
  #startPhase1(): void {
    if (this.#phase === "done" || this.#value === null) return;
    const storedRound = this.#rt.storage.get<number>(PAXOS_STORAGE.proposerRound) ?? 0;
    const seen = maxBallot(this.#highestSeen, { round: storedRound, proposer: this.#rt.id });
    this.#ballot = nextBallot(seen, this.#rt.id);
    this.#rt.storage.set(PAXOS_STORAGE.proposerRound, this.#ballot.round);
    this.#rt.state("ballot", this.#ballot.round);
    this.#phase = "prepare";
    this.#promises.clear();
    this.#attempt++;
    for (const to of this.#options.acceptors) {
      this.#rt.send(to, { type: "Prepare", ballot: this.#ballot });
    }
    this.#armTimer(this.#options.retryTimeoutMs);
  }

  onPromise(from: NodeId, ballot: Ballot, accepted: AcceptedProposal | null): void {
    if (this.#phase !== "prepare" || !sameBallot(ballot, this.#ballot)) return;
    this.#promises.set(from, accepted);
    if (this.#promises.size < majority(this.#options.acceptors.length)) return;
    // Phase 2a: the value is that of the highest-ballot proposal reported by the quorum,
    // or our own if none was reported (§2.2, P2c).
    let highest: AcceptedProposal | null = null;
    for (const proposal of this.#promises.values()) {
      if (proposal && (!highest || compareBallots(proposal.ballot, highest.ballot) > 0)) {
        highest = proposal;
      }
    }
    const value = highest?.value ?? this.#value!;
    this.#phase = "accept";
    for (const to of this.#options.acceptors) {
      this.#rt.send(to, { type: "Accept", ballot: this.#ballot, value });
    }
  }

  onNack(ballot: Ballot, promised: Ballot): void {
    this.#highestSeen = maxBallot(this.#highestSeen, promised);
    if (!sameBallot(ballot, this.#ballot) || this.#phase === "idle" || this.#phase === "done") {
      return;
    }
    // Preempted: someone holds a higher ballot. Retrying at once is what makes two
    // proposers duel (§2.4); backing off for a random, growing time breaks the symmetry.
    this.#phase = "idle";
    if (this.#options.retry === "immediate") {
      this.#startPhase1();
    } else {
      const window = this.#options.backoffMs * 2 ** Math.min(this.#attempt, 6);
      this.#armTimer(this.#rt.random.uniform(0, window));
    }
  }

  onChosen(): void {
    this.#phase = "done";
    this.#rt.cancelTimer(this.#timer);
  }

  onTimer(): void {
    this.#startPhase1();
  }

  #armTimer(delayMs: number): void {
    this.#rt.cancelTimer(this.#timer);
    this.#timer = this.#rt.setTimer(delayMs, "paxos.retry");
  }
}

/** The learner (§2.3): a value is chosen once a majority of acceptors accepted one ballot. */
class Learner {
  #rt: Runtime<PaxosMessage>;
  #quorum: number;
  #votes = new Map<string, Set<NodeId>>();
  chosen: string | null = null;

  constructor(rt: Runtime<PaxosMessage>, options: Required<PaxosOptions>) {
    this.#rt = rt;
    this.#quorum = majority(options.acceptors.length);
  }

  /** Returns true when this message made the learner learn the value. */
  onAccepted(from: NodeId, ballot: Ballot, value: string): boolean {
    if (this.chosen !== null) return false;
    const key = `${formatBallot(ballot)}|${value}`;
    const voters = this.#votes.get(key) ?? new Set<NodeId>();
    voters.add(from);
    this.#votes.set(key, voters);
    if (voters.size < this.#quorum) return false;
    this.chosen = value;
    this.#rt.state("chosen", { slot: SINGLE_SLOT, value });
    return true;
  }
}

/** The roles one node plays, for inspection in tests and pages. */
export interface PaxosProcess extends Process<PaxosMessage> {
  /** The value this node learned, or null. */
  chosen(): string | null;
}

/**
 * Builds a single-decree Paxos node; its roles follow from the option lists.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { paxosNode, type PaxosMessage } from "./single_decree.ts";
 * const sim = new Simulation<PaxosMessage>({ seed: 1 });
 * const nodes = ["n1", "n2", "n3"];
 * for (const id of nodes) sim.addNode(id, paxosNode({ acceptors: nodes }));
 * sim.addNode("client", (rt) => ({
 *   onStart: () => rt.send("n1", { type: "Propose", value: "x" }),
 *   onMessage: () => {},
 * }));
 * sim.run({ untilMs: 200 });
 * ```
 */
export function paxosNode(options: PaxosOptions): ProcessFactory<PaxosMessage, PaxosProcess> {
  const resolved = resolve(options);
  return (rt) => {
    const acceptor = resolved.acceptors.includes(rt.id) ? new Acceptor(rt, resolved) : null;
    const proposer = resolved.proposers.includes(rt.id) ? new Proposer(rt, resolved) : null;
    // A proposer also learns, so it can stop once its (or another) value is chosen.
    const learner = resolved.learners.includes(rt.id) || proposer
      ? new Learner(rt, resolved)
      : null;
    return {
      chosen: () => learner?.chosen ?? null,
      onMessage(from: NodeId, msg: PaxosMessage): void {
        switch (msg.type) {
          case "Propose":
            proposer?.onPropose(msg.value);
            return;
          case "Prepare":
            acceptor?.onPrepare(from, msg.ballot);
            return;
          case "Promise":
            proposer?.onPromise(from, msg.ballot, msg.accepted);
            return;
          case "Accept":
            acceptor?.onAccept(from, msg.ballot, msg.value);
            return;
          case "Accepted":
            if (learner?.onAccepted(from, msg.ballot, msg.value)) proposer?.onChosen();
            return;
          case "Nack":
            proposer?.onNack(msg.ballot, msg.promised);
            return;
          default: {
            const unknown: never = msg;
            throw new TypeError(`Paxos node got an unknown message ${JSON.stringify(unknown)}`);
          }
        }
      },
      onTimer(tag: string): void {
        if (tag === "paxos.retry") proposer?.onTimer();
      },
    } satisfies PaxosProcess;
  };
}
