/**
 * PBFT on the netsplit kernel: the adapter that runs a pure {@linkcode PbftNode} as a kernel
 * `Process`, and the adversary that takes a replica over once a `byzantine` fault hits it.
 *
 * A Byzantine replica keeps running the correct node underneath (so it looks normal where
 * that suits it) and bends what it sends, per its behaviour:
 * - `equivocate`: as primary, PrePrepares the client's request to half the backups and the
 *   null request to the others, at the same sequence number; as any replica, Prepares and
 *   Commits every digest it hears of, so it can complete either side's quorum;
 * - `lie`: reports an empty prepared set in its ViewChanges (the certificates it holds are
 *   signed by others, so it can hide them but not invent them) and wrong results in Replies;
 * - `silent`: sends nothing at all;
 * - `forge`: on seeing a sequence number in use, sends one victim a PrePrepare of the null
 *   request for the next number in the primary's name, and the Prepares and Commits that
 *   complete it in the others' names; receivers that authenticate (network option
 *   `authenticate`, fallacy 4) drop every forgery.
 *
 * A crash is permanent here: a restarted replica would have forgotten its votes and could
 * vote twice, which is Byzantine behaviour, so it stays down and counts as one of the f.
 *
 * @module
 */

import type { Adversary, NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import { PbftNode, type PbftOptions, pbftPrimary, resolvePbftOptions } from "./node.ts";
import { type PbftMessage, requestDigest } from "./types.ts";

export * from "./node.ts";

/** What a replica exposes for inspection. */
export interface PbftReplicaProcess extends Process<PbftMessage> {
  /** The pure state machine inside (null while it stays down after a crash). */
  readonly node: PbftNode | null;
}

const STARTED = "pbft.started";
const TIMER = "pbft.view-change";

/**
 * Builds a PBFT replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../../sim/mod.ts";
 * import { pbftReplica, type PbftReplicaProcess } from "./replica.ts";
 * import { pbftClient } from "./client.ts";
 * import type { PbftMessage } from "./types.ts";
 * const nodes = ["r1", "r2", "r3", "r4"];
 * const sim = new Simulation<PbftMessage>({ seed: 1 });
 * for (const id of nodes) sim.addNode(id, pbftReplica({ nodes }));
 * sim.addNode("c1", pbftClient({ replicas: nodes, process: 1, ops: [{ atMs: 1, op: { f: "write", value: 3 } }] }));
 * sim.run({ untilMs: 200 });
 * assert.deepEqual(sim.history.map((e) => e.type), ["invoke", "ok"]);
 * assert.equal((sim.processOf("r4") as PbftReplicaProcess).node?.state.register, 3);
 * ```
 */
export function pbftReplica(options: PbftOptions): ProcessFactory<PbftMessage, PbftReplicaProcess> {
  const resolved = resolvePbftOptions(options, "pbftReplica");
  return (rt) => new Replica(rt, resolved);
}

class Replica implements PbftReplicaProcess {
  #rt: Runtime<PbftMessage>;
  #options: Required<PbftOptions>;
  #node: PbftNode | null = null;
  #timer = -1;
  /** view|seq|digest the adversary already voted for, or forged. */
  #done = new Set<string>();

  constructor(rt: Runtime<PbftMessage>, options: Required<PbftOptions>) {
    this.#rt = rt;
    this.#options = options;
  }

  get node(): PbftNode | null {
    return this.#node;
  }

  onStart(): void {
    const rt = this.#rt;
    if (rt.storage.get<boolean>(STARTED)) {
      rt.log("PBFT replica restarted without its votes: it stays down (one of the f faulty)");
      return;
    }
    rt.storage.set(STARTED, true);
    this.#node = new PbftNode({ ...this.#options, id: rt.id });
  }

  onMessage(from: NodeId, msg: PbftMessage): void {
    const node = this.#node;
    if (node === null) return;
    node.step(from, msg);
    this.#flush();
    const adversary = this.#rt.adversary?.() ?? null;
    if (adversary !== null) this.#react(adversary, msg);
  }

  onTimer(tag: string): void {
    if (tag !== TIMER || this.#node === null) return;
    this.#timer = -1;
    this.#node.viewChangeTimeout();
    this.#flush();
  }

  #flush(): void {
    const rt = this.#rt;
    const ready = this.#node!.ready();
    for (const [key, value] of ready.changes) rt.state(key, value);
    const adversary = rt.adversary?.() ?? null;
    for (const { to, msg } of ready.messages) {
      const bent = adversary === null ? msg : this.#bend(adversary, to, msg);
      if (bent !== null) rt.send(to, bent);
    }
    if (ready.timer !== undefined) {
      rt.cancelTimer(this.#timer);
      this.#timer = ready.timer === null ? -1 : rt.setTimer(ready.timer, TIMER);
    }
  }

  // What a Byzantine replica sends instead of `msg` (null: nothing).
  #bend(adversary: Adversary<PbftMessage>, to: NodeId, msg: PbftMessage): PbftMessage | null {
    switch (adversary.behaviour) {
      case "silent":
        return null;
      case "lie":
        if (msg.type === "ViewChange") return { ...msg, prepared: [] };
        if (msg.type === "Reply") return { ...msg, result: "forged result" };
        return msg;
      case "equivocate": {
        if (msg.type !== "PrePrepare" || msg.request === null) return msg;
        // Backups in the second half of the id order see the null request at the same seq.
        const backups = this.#options.nodes.filter((n) => n !== this.#rt.id);
        if (backups.indexOf(to) < Math.ceil(backups.length / 2)) return msg;
        return { ...msg, request: null, digest: requestDigest(null) };
      }
      case "forge":
        return msg;
      default: {
        const unknown: never = adversary.behaviour;
        throw new RangeError(`Unknown Byzantine behaviour ${unknown}`);
      }
    }
  }

  #react(adversary: Adversary<PbftMessage>, msg: PbftMessage): void {
    if (msg.type !== "PrePrepare" && msg.type !== "Prepare" && msg.type !== "Commit") return;
    const rt = this.#rt;
    const others = this.#options.nodes.filter((n) => n !== rt.id);
    if (adversary.behaviour === "equivocate") {
      // Vote for whatever anyone proposes: this completes both sides of an equivocation.
      const key = `${msg.view}|${msg.seq}|${msg.digest}`;
      if (this.#done.has(key)) return;
      this.#done.add(key);
      const vote = { view: msg.view, seq: msg.seq, digest: msg.digest };
      for (const to of others) rt.send(to, { type: "Prepare", ...vote });
      for (const to of others) rt.send(to, { type: "Commit", ...vote });
      return;
    }
    if (adversary.behaviour !== "forge" || msg.type === "Commit") return;
    const primary = pbftPrimary(this.#options.nodes, msg.view);
    // The victim: the last correct-looking replica that is neither the primary nor us.
    const victim = [...others].reverse().find((n) => n !== primary);
    const seq = msg.seq + 1;
    const key = `${msg.view}|${seq}|forged`;
    if (victim === undefined || this.#done.has(key)) return;
    this.#done.add(key);
    const vote = { view: msg.view, seq, digest: requestDigest(null) };
    adversary.forge(primary, victim, { type: "PrePrepare", ...vote, request: null });
    const sign = (signer: NodeId, m: PbftMessage) =>
      signer === rt.id ? rt.send(victim, m) : adversary.forge(signer, victim, m);
    for (const signer of this.#options.nodes) {
      if (signer === victim) continue;
      if (signer !== primary) sign(signer, { type: "Prepare", ...vote });
      sign(signer, { type: "Commit", ...vote });
    }
  }
}
