/**
 * Single-decree Paxos on the netsplit kernel, after Lamport, "Paxos Made Simple" (2001), §2:
 * the adapter that runs a pure {@linkcode PaxosNode} as a kernel `Process`. It loads durable
 * state on (re)start, persists before it sends (§2.2: acceptors "remember" through failures),
 * traces state changes, sends, and arms the proposer's retry timer.
 *
 * Guarantees and non-goals are the node's (`single_decree_node.ts`): safety whatever the
 * network does; no liveness guarantee (§2.4), only a likely one with `retry: "backoff"`.
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import { type Ballot, ZERO_BALLOT } from "./ballot.ts";
import {
  type AcceptedProposal,
  type PaxosHardState,
  type PaxosMessage,
  PaxosNode,
  type PaxosOptions,
  resolvePaxosOptions,
} from "./single_decree_node.ts";

export {
  type AcceptedProposal,
  PAXOS_VARIANTS,
  type PaxosHardState,
  type PaxosMessage,
  PaxosNode,
  type PaxosNodeOptions,
  type PaxosOptions,
  type PaxosOutgoing,
  type PaxosReady,
  type PaxosVariant,
  type ProposerPhase,
  resolvePaxosOptions,
  type RetryPolicy,
  SINGLE_SLOT,
} from "./single_decree_node.ts";

/** Durable keys; exported so tests can inspect an acceptor's storage. */
export const PAXOS_STORAGE = {
  promised: "paxos.promised",
  accepted: "paxos.accepted",
  proposerRound: "paxos.proposerRound",
} as const;

/** The timer tag of the proposer's retry timer, as traced. */
const RETRY_TIMER = "paxos.retry";

/** The roles one node plays, for inspection in tests and pages. */
export interface PaxosProcess extends Process<PaxosMessage> {
  /** The value this node learned, or null. */
  chosen(): string | null;
  /** The pure state machine inside. */
  readonly node: PaxosNode;
}

/** Reads a node's durable Paxos state from its storage (also works while it is down). */
export function loadPaxosState(storage: Runtime["storage"]): PaxosHardState {
  return {
    promised: storage.get<Ballot>(PAXOS_STORAGE.promised) ?? ZERO_BALLOT,
    accepted: storage.get<AcceptedProposal>(PAXOS_STORAGE.accepted) ?? null,
    proposerRound: storage.get<number>(PAXOS_STORAGE.proposerRound) ?? 0,
  };
}

/**
 * Builds a single-decree Paxos node; its roles follow from the option lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../../sim/mod.ts";
 * import { paxosNode, type PaxosMessage, type PaxosProcess } from "./single_decree.ts";
 * const sim = new Simulation<PaxosMessage>({ seed: 1 });
 * const nodes = ["n1", "n2", "n3"];
 * for (const id of nodes) sim.addNode(id, paxosNode({ acceptors: nodes }));
 * sim.addNode("client", (rt) => ({
 *   onStart: () => rt.send("n1", { type: "Propose", value: "x" }),
 *   onMessage: () => {},
 * }));
 * sim.run({ untilMs: 200 });
 * assert.equal((sim.processOf("n2") as unknown as PaxosProcess).chosen(), "x");
 * ```
 */
export function paxosNode(options: PaxosOptions): ProcessFactory<PaxosMessage, PaxosProcess> {
  const resolved = resolvePaxosOptions(options, "paxosNode");
  return (rt) => new PaxosAdapter(rt, resolved);
}

class PaxosAdapter implements PaxosProcess {
  readonly node: PaxosNode;
  #rt: Runtime<PaxosMessage>;
  #retryTimer = -1;

  constructor(rt: Runtime<PaxosMessage>, options: Required<PaxosOptions>) {
    this.#rt = rt;
    this.node = new PaxosNode({
      ...options,
      id: rt.id,
      random: () => rt.random.next(),
      hardState: loadPaxosState(rt.storage),
    });
  }

  chosen(): string | null {
    return this.node.chosen;
  }

  onMessage(from: NodeId, msg: PaxosMessage): void {
    this.node.step(from, msg);
    this.#flush();
  }

  onTimer(tag: string): void {
    if (tag !== RETRY_TIMER) return;
    this.node.retryTimeout();
    this.#flush();
  }

  /** Carries out a Ready: persist, then trace, then send, then arm the timer. */
  #flush(): void {
    const rt = this.#rt;
    const ready = this.node.ready();
    if (ready.hardState !== null) {
      const { promised, accepted, proposerRound } = ready.hardState;
      if (promised.round > 0) rt.storage.set(PAXOS_STORAGE.promised, promised);
      if (accepted !== null) rt.storage.set(PAXOS_STORAGE.accepted, accepted);
      if (proposerRound > 0) rt.storage.set(PAXOS_STORAGE.proposerRound, proposerRound);
    }
    for (const [key, value] of ready.changes) rt.state(key, value);
    for (const { to, msg } of ready.messages) rt.send(to, msg);
    const retry = ready.timers.retry;
    if (retry !== undefined) {
      rt.cancelTimer(this.#retryTimer);
      this.#retryTimer = retry === null ? -1 : rt.setTimer(retry, RETRY_TIMER);
    }
  }
}
