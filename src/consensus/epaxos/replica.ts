/**
 * EPaxos on the netsplit kernel: the adapter that runs a pure {@linkcode EpaxosNode} as a
 * kernel `Process`. It loads the instance records on (re)start, persists before it sends,
 * traces state changes, and drives the node's clock with a periodic tick.
 *
 * Guarantees and non-goals are the node's (`node.ts`).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import type { EpaxosInstanceId } from "./execution.ts";
import { EpaxosNode, type EpaxosOptions, resolveEpaxosOptions } from "./node.ts";
import type { EpaxosInstance, EpaxosMessage } from "./types.ts";

export * from "./node.ts";

/** Durable keys of an EPaxos replica. */
export const EPAXOS_STORAGE = {
  lastInstance: "epaxos.last-instance",
  instancePrefix: "epaxos.instance.",
} as const;

const TICK = "epaxos.tick";

/** Options of {@linkcode epaxosReplica}: the deployment's, plus the tick period. */
export interface EpaxosReplicaOptions extends EpaxosOptions {
  /** How often the node's clock advances (timeouts are checked at this grain). @default 20 */
  tickMs?: number;
}

/** What a replica exposes for inspection. */
export interface EpaxosReplicaProcess extends Process<EpaxosMessage> {
  /** The pure state machine inside. */
  readonly node: EpaxosNode;
}

/**
 * Reads a replica's durable instance records from its storage (also works while it is down).
 */
export function loadEpaxosState(
  storage: Runtime["storage"],
): { lastInstance: number; instances: [EpaxosInstanceId, EpaxosInstance][] } {
  const instances: [EpaxosInstanceId, EpaxosInstance][] = [];
  for (const key of storage.keys()) {
    if (key.startsWith(EPAXOS_STORAGE.instancePrefix)) {
      instances.push([
        key.slice(EPAXOS_STORAGE.instancePrefix.length),
        storage.get<EpaxosInstance>(key)!,
      ]);
    }
  }
  return { lastInstance: storage.get<number>(EPAXOS_STORAGE.lastInstance) ?? 0, instances };
}

/**
 * Builds an EPaxos replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../../sim/mod.ts";
 * import { epaxosReplica, type EpaxosReplicaProcess } from "./replica.ts";
 * import { epaxosClient } from "./client.ts";
 * import type { EpaxosMessage } from "./types.ts";
 * const nodes = ["r1", "r2", "r3"];
 * const sim = new Simulation<EpaxosMessage>({ seed: 1 });
 * for (const id of nodes) sim.addNode(id, epaxosReplica({ nodes }));
 * sim.addNode("c1", epaxosClient({ replica: "r2", process: 1, ops: [{ atMs: 1, op: { f: "write", key: "x", value: 3 } }] }));
 * sim.run({ untilMs: 200 });
 * assert.deepEqual(sim.history.map((e) => e.type), ["invoke", "ok"]);
 * assert.equal((sim.processOf("r3") as EpaxosReplicaProcess).node.read("x"), 3);
 * ```
 */
export function epaxosReplica(
  options: EpaxosReplicaOptions,
): ProcessFactory<EpaxosMessage, EpaxosReplicaProcess> {
  const resolved = resolveEpaxosOptions(options, "epaxosReplica");
  const tickMs = options.tickMs ?? 20;
  if (!(tickMs > 0 && Number.isFinite(tickMs))) {
    throw new RangeError(`epaxosReplica option tickMs must be a number > 0, got ${tickMs}`);
  }
  return (rt) => new Replica(rt, resolved, tickMs);
}

class Replica implements EpaxosReplicaProcess {
  #rt: Runtime<EpaxosMessage>;
  #options: Required<EpaxosOptions>;
  #tickMs: number;
  #node: EpaxosNode | null = null;

  constructor(rt: Runtime<EpaxosMessage>, options: Required<EpaxosOptions>, tickMs: number) {
    this.#rt = rt;
    this.#options = options;
    this.#tickMs = tickMs;
  }

  get node(): EpaxosNode {
    if (this.#node === null) throw new Error(`EPaxos replica ${this.#rt.id} has not started`);
    return this.#node;
  }

  onStart(): void {
    const rt = this.#rt;
    this.#node = new EpaxosNode({ ...this.#options, ...loadEpaxosState(rt.storage), id: rt.id });
    this.#flush();
    rt.setTimer(this.#tickMs, TICK);
  }

  onMessage(from: NodeId, msg: EpaxosMessage): void {
    this.node.step(from, msg);
    this.#flush();
  }

  onTimer(tag: string): void {
    if (tag !== TICK) return;
    this.node.tick(this.#tickMs);
    this.#flush();
    this.#rt.setTimer(this.#tickMs, TICK);
  }

  /** Carries out a Ready: persist, then trace and send. */
  #flush(): void {
    const rt = this.#rt;
    const ready = this.node.ready();
    if (ready.persist.nextInstance !== null) {
      rt.storage.set(EPAXOS_STORAGE.lastInstance, ready.persist.nextInstance);
    }
    for (const [id, instance] of ready.persist.instances) {
      rt.storage.set(EPAXOS_STORAGE.instancePrefix + id, instance);
    }
    for (const [key, value] of ready.changes) rt.state(key, value);
    for (const { to, msg } of ready.messages) rt.send(to, msg);
  }
}
