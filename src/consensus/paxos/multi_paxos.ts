/**
 * Multi-Paxos on the netsplit kernel: the adapter that runs a pure {@linkcode MultiPaxosNode}
 * as a kernel `Process`. It loads the acceptor's durable state on (re)start, persists before
 * it sends, traces state changes, sends, and arms the election and heartbeat timers.
 *
 * Guarantees and non-goals are the node's (`multi_paxos_node.ts`).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import { type Ballot, ZERO_BALLOT } from "./ballot.ts";
import {
  type MultiPaxosMessage,
  MultiPaxosNode,
  type MultiPaxosOptions,
  resolveMultiPaxosOptions,
  type SlotProposal,
} from "./multi_paxos_node.ts";

export * from "./multi_paxos_node.ts";

/** Durable keys of a Multi-Paxos replica. */
export const MULTI_PAXOS_STORAGE = {
  promised: "mp.promised",
  acceptedPrefix: "mp.accepted.",
} as const;

/** Timer tags, as traced. */
const ELECTION_TIMER = "mp.election";
const HEARTBEAT_TIMER = "mp.heartbeat";

/** What a replica exposes for inspection. */
export interface MultiPaxosProcess extends Process<MultiPaxosMessage> {
  /** Whether this replica currently leads. */
  isLeader(): boolean;
  /** The chosen log this replica has learned (holes are undefined). */
  log(): (string | undefined)[];
  /** The pure state machine inside. */
  readonly node: MultiPaxosNode;
}

/**
 * Reads a replica's durable acceptor state from its storage (also works while it is down).
 * Accepted proposals come in the storage's key order.
 */
export function loadMultiPaxosState(
  storage: Runtime["storage"],
): { promised: Ballot; accepted: SlotProposal[] } {
  const accepted: SlotProposal[] = [];
  for (const key of storage.keys()) {
    if (key.startsWith(MULTI_PAXOS_STORAGE.acceptedPrefix)) {
      accepted.push(storage.get<SlotProposal>(key)!);
    }
  }
  return { promised: storage.get<Ballot>(MULTI_PAXOS_STORAGE.promised) ?? ZERO_BALLOT, accepted };
}

/**
 * Builds a Multi-Paxos replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../../sim/mod.ts";
 * import { multiPaxosNode, type MultiPaxosMessage, type MultiPaxosProcess } from "./multi_paxos.ts";
 * const sim = new Simulation<MultiPaxosMessage>({ seed: 1 });
 * const nodes = ["n1", "n2", "n3"];
 * for (const id of nodes) sim.addNode(id, multiPaxosNode({ nodes }));
 * sim.run({ untilMs: 1000 });
 * const leaders = nodes.filter((id) => (sim.processOf(id) as unknown as MultiPaxosProcess).isLeader());
 * assert.equal(leaders.length, 1);
 * ```
 */
export function multiPaxosNode(
  options: MultiPaxosOptions,
): ProcessFactory<MultiPaxosMessage, MultiPaxosProcess> {
  const resolved = resolveMultiPaxosOptions(options, "multiPaxosNode");
  return (rt) => new Replica(rt, resolved);
}

class Replica implements MultiPaxosProcess {
  #rt: Runtime<MultiPaxosMessage>;
  #options: Required<MultiPaxosOptions>;
  #node: MultiPaxosNode | null = null;
  #electionTimer = -1;
  #heartbeatTimer = -1;

  constructor(rt: Runtime<MultiPaxosMessage>, options: Required<MultiPaxosOptions>) {
    this.#rt = rt;
    this.#options = options;
  }

  get node(): MultiPaxosNode {
    if (this.#node === null) throw new Error(`Multi-Paxos replica ${this.#rt.id} has not started`);
    return this.#node;
  }

  isLeader(): boolean {
    return this.node.role === "leader";
  }

  log(): (string | undefined)[] {
    return this.node.log();
  }

  onStart(): void {
    const rt = this.#rt;
    this.#node = new MultiPaxosNode({
      ...this.#options,
      ...loadMultiPaxosState(rt.storage),
      id: rt.id,
      random: () => rt.random.next(),
      now: () => rt.monotonic(),
    });
    this.#node.start();
    this.#flush();
  }

  onMessage(from: NodeId, msg: MultiPaxosMessage): void {
    this.node.step(from, msg);
    this.#flush();
  }

  onTimer(tag: string): void {
    if (tag === ELECTION_TIMER) this.node.electionTimeout();
    else if (tag === HEARTBEAT_TIMER) this.node.heartbeatTimeout();
    else return;
    this.#flush();
  }

  /** Carries out a Ready: persist, then send and trace in the node's order, then arm timers. */
  #flush(): void {
    const rt = this.#rt;
    const ready = this.node.ready();
    if (ready.persist !== null) {
      const { promised, accepted } = ready.persist;
      if (promised !== null) rt.storage.set(MULTI_PAXOS_STORAGE.promised, promised);
      for (const p of accepted) rt.storage.set(MULTI_PAXOS_STORAGE.acceptedPrefix + p.slot, p);
    }
    let sent = 0;
    const sendUpTo = (count: number) => {
      for (; sent < count; sent++) rt.send(ready.messages[sent].to, ready.messages[sent].msg);
    };
    for (const [key, value, messagesBefore] of ready.changes) {
      sendUpTo(messagesBefore);
      rt.state(key, value);
    }
    sendUpTo(ready.messages.length);
    const { election, heartbeat } = ready.timers;
    if (election !== undefined) {
      rt.cancelTimer(this.#electionTimer);
      this.#electionTimer = election === null ? -1 : rt.setTimer(election, ELECTION_TIMER);
    }
    if (heartbeat !== undefined) {
      rt.cancelTimer(this.#heartbeatTimer);
      this.#heartbeatTimer = heartbeat === null ? -1 : rt.setTimer(heartbeat, HEARTBEAT_TIMER);
    }
  }
}
