/**
 * An EPaxos replica (Moraru, Andersen and Kaminsky, "There Is More Consensus in Egalitarian
 * Parliaments", SOSP 2013) as a pure state machine in the Step/Ready shape of
 * {@linkcode RaftNode}: messages go in through {@linkcode EpaxosNode.step}, logical time
 * through {@linkcode EpaxosNode.tick}, and {@linkcode EpaxosNode.ready} hands back what to
 * persist, send and trace. `replica.ts` runs it on the kernel.
 *
 * The protocol (Figure 2): any replica leads the commands its clients send it, each in its own
 * instance `L.i`. Phase 1: the leader computes the command's attributes — `deps`, every
 * instance it knows that conflicts, and `seq`, one more than their highest seq — and sends a
 * PreAccept; each acceptor adds the conflicting instances it knows and replies. Fast path: when
 * a fast quorum (leader included) holds the leader's attributes unchanged, the leader commits
 * after one round trip. Slow path: otherwise it takes the union of the deps and the highest seq
 * and runs Paxos-Accept with a majority, then commits. Commit goes to every replica, which
 * executes by strongly connected components of the dependency graph (`execution.ts`).
 *
 * Fast quorum: by default the paper's F + ⌊(F + 1) / 2⌋ of N = 2F + 1 replicas (`optimized`,
 * §4.4): 2 of 3, 3 of 5, so a leader waits only for its nearest peers — what the wide-area
 * experiment measures. Option `fastQuorum: "simple"` uses 2F (§4.3), for which Figure 3's
 * recovery alone is proven. For N ≥ 5 the optimized size needs the TryPreAccept round of the
 * technical report (Moraru et al., "A Proof of Correctness for Egalitarian Paxos",
 * CMU-PDL-13-111) in recovery, which this node runs (`recovery_rules.ts`); without it the fault
 * search found a recovered command and a fast-committed one with no dependency between them.
 *
 * Recovery (Figure 3, §4.5): a replica that waits too long on an instance (its own, another's,
 * or a dependency it has never seen) takes it over with a higher ballot (explicit Prepare), and
 * from a majority's replies: commits what is committed; re-runs Accept for the highest-ballot
 * accepted attributes; re-runs Accept for the leader's attributes when at least F replies
 * (none from the leader) pre-accepted them unchanged at the default ballot; with at least
 * fastQuorum - F but fewer than F such replies, tries to pre-accept them at the others
 * (TryPreAccept) and accepts, restarts or defers by what they answer; restarts Phase 1 for a
 * command someone pre-accepted, avoiding the fast path; or commits a no-op.
 *
 * Catch-up (not in the paper): every `catchUpIntervalMs` a replica tells the others the
 * highest instance number it knows per command leader (`Frontier`). Numbers are dense, so a
 * replica that was crashed or cut off while some commands went by, and holds nothing that
 * depends on them, learns they exist and recovers them; a committed one comes back with its
 * Commit. Once faults heal, every replica executes the same commands.
 *
 * Guarantees: every replica commits an instance with the same attributes (consistency); two
 * committed conflicting commands have a dependency between them; replicas execute conflicting
 * commands in the same order. Acceptor state is persisted before any message that reveals it.
 * Non-goals: the report's bookkeeping that breaks cycles of deferred recoveries (a deferred
 * recovery here retries after its timeout), reconfiguration, checkpoints and log truncation, batching, client retries.
 *
 * Known-broken variants: `small-fast-quorum` (the fast quorum one replica too small),
 * `ignore-dependencies` (execution in commit order, see `execution.ts`) and
 * `no-recovery-check` (recovery skips Figure 3's line 34 and restarts Phase 1 even where a fast
 * commit may have happened, so it can commit other attributes).
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import {
  type Ballot,
  compareBallots,
  formatBallot,
  maxBallot,
  sameBallot,
} from "../paxos/ballot.ts";
import {
  type EpaxosCommand,
  epaxosConflicts,
  EpaxosExecutor,
  type EpaxosInstanceId,
} from "./execution.ts";
import {
  epaxosFastQuorumPossible,
  epaxosPreAcceptedRecovery,
  epaxosTryPreAcceptConflict,
} from "./recovery_rules.ts";
import {
  type EpaxosInstance,
  epaxosInstanceLeader,
  type EpaxosMessage,
  type EpaxosTryPreAcceptConflict,
} from "./types.ts";

/** A way to run EPaxos: the paper's, or a known-broken variant for the checkers to catch. */
export type EpaxosVariant =
  | "correct"
  | "small-fast-quorum"
  | "ignore-dependencies"
  | "no-recovery-check";

/** Every variant, the correct one first. */
export const EPAXOS_VARIANTS: readonly EpaxosVariant[] = [
  "correct",
  "small-fast-quorum",
  "ignore-dependencies",
  "no-recovery-check",
];

/** The knobs of an EPaxos deployment (shared by every replica). */
export interface EpaxosOptions {
  /** Every replica: an odd number N = 2F + 1, at least 3. */
  nodes: readonly NodeId[];
  /** @default "correct" */
  variant?: EpaxosVariant;
  /** `optimized`: F + ⌊(F + 1) / 2⌋ (§4.4, with TryPreAccept in recovery); `simple`: 2F (§4.3). @default "optimized" */
  fastQuorum?: "optimized" | "simple";
  /**
   * How long a leader that holds a majority's PreAcceptOKs waits for the rest of its fast
   * quorum before it takes the slow path. @default 100
   */
  fastPathTimeoutMs?: number;
  /** How long an instance may sit uncommitted before a replica recovers it. @default 300 */
  recoveryTimeoutMs?: number;
  /**
   * How often a replica tells the others the highest instance number it knows per command
   * leader, so that one that missed instances (crashed, cut off) learns of them. @default 1000
   */
  catchUpIntervalMs?: number;
}

/**
 * Fills in the defaults of {@linkcode EpaxosOptions} and validates them up front.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveEpaxosOptions } from "./node.ts";
 * assert.equal(resolveEpaxosOptions({ nodes: ["r1", "r2", "r3"] }).recoveryTimeoutMs, 300);
 * assert.throws(() => resolveEpaxosOptions({ nodes: ["r1", "r2"] }), /option nodes/);
 * ```
 */
export function resolveEpaxosOptions(
  options: EpaxosOptions,
  where = "EpaxosNode",
): Required<EpaxosOptions> {
  const nodes = options.nodes;
  if (!Array.isArray(nodes) || nodes.length < 3 || nodes.length % 2 === 0) {
    throw new RangeError(
      `${where} option nodes must be an odd number (at least 3) of node ids, got ${
        Array.isArray(nodes) ? nodes.length : nodes
      }`,
    );
  }
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`${where} option nodes must not repeat an id, got ${nodes.join(", ")}`);
  }
  const resolved = {
    nodes,
    variant: options.variant ?? "correct",
    fastQuorum: options.fastQuorum ?? "optimized",
    fastPathTimeoutMs: options.fastPathTimeoutMs ?? 100,
    recoveryTimeoutMs: options.recoveryTimeoutMs ?? 300,
    catchUpIntervalMs: options.catchUpIntervalMs ?? 1000,
  };
  if (!EPAXOS_VARIANTS.includes(resolved.variant)) {
    throw new RangeError(
      `${where} option variant must be one of ${
        EPAXOS_VARIANTS.join(", ")
      }, got ${resolved.variant}`,
    );
  }
  if (resolved.fastQuorum !== "optimized" && resolved.fastQuorum !== "simple") {
    throw new RangeError(
      `${where} option fastQuorum must be "optimized" or "simple", got ${resolved.fastQuorum}`,
    );
  }
  for (const name of ["fastPathTimeoutMs", "recoveryTimeoutMs", "catchUpIntervalMs"] as const) {
    if (!(resolved[name] > 0 && Number.isFinite(resolved[name]))) {
      throw new RangeError(`${where} option ${name} must be a number > 0, got ${resolved[name]}`);
    }
  }
  return resolved;
}

/**
 * The quorum sizes of N replicas, leader included: the majority F + 1 of the slow path and
 * recovery, and the fast quorum (one smaller in the `small-fast-quorum` variant).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosQuorums } from "./node.ts";
 * assert.deepEqual(epaxosQuorums(5), { f: 2, slow: 3, fast: 3, recovery: 1 });
 * assert.deepEqual(epaxosQuorums(5, { fastQuorum: "simple" }), { f: 2, slow: 3, fast: 4, recovery: 2 });
 * assert.equal(epaxosQuorums(3, { variant: "small-fast-quorum" }).fast, 1);
 * ```
 */
export function epaxosQuorums(
  n: number,
  options: { variant?: EpaxosVariant; fastQuorum?: "optimized" | "simple" } = {},
): { f: number; slow: number; fast: number; recovery: number } {
  const f = Math.floor((n - 1) / 2);
  let fast = options.fastQuorum === "simple" ? 2 * f : f + Math.floor((f + 1) / 2);
  if (options.variant === "small-fast-quorum") fast -= 1;
  // A majority of F + 1 replies without the leader misses at most F - 1 of the fast quorum's
  // other members, so it holds at least fast - F of them (Figure 3, line 34): fewer rule a
  // fast commit out.
  return { f, slow: f + 1, fast, recovery: Math.max(1, fast - f) };
}

/** A message for the caller to send. */
export interface EpaxosOutgoing {
  to: NodeId;
  msg: EpaxosMessage;
}

/**
 * What the caller must do after a call into the replica, in this order: persist `persist`
 * (instance records, and this replica's next instance number), then send `messages` and trace
 * `changes` (`proposed`, `committed`, `executed`, `recovery`).
 */
export interface EpaxosReady {
  persist: { instances: [EpaxosInstanceId, EpaxosInstance][]; nextInstance: number | null };
  messages: EpaxosOutgoing[];
  changes: [key: string, value: unknown][];
}

function emptyReady(): EpaxosReady {
  return { persist: { instances: [], nextInstance: null }, messages: [], changes: [] };
}

/** Options of an {@linkcode EpaxosNode}: the deployment's, plus this replica's own. */
export interface EpaxosNodeOptions extends EpaxosOptions {
  id: NodeId;
  /** Instance records recovered after a restart. @default [] */
  instances?: readonly [EpaxosInstanceId, EpaxosInstance][];
  /** The last instance number this replica used as leader, recovered. @default 0 */
  lastInstance?: number;
}

/** How a commit came about, for the trace and the experiment's fast-path ratio. */
export type EpaxosPath = "fast" | "slow" | "recovery";

/** A phase this replica drives for one instance, as its leader or as a recoverer. */
interface Proposal {
  phase: "preaccept" | "accept" | "prepare" | "trypreaccept";
  ballot: Ballot;
  command: EpaxosCommand | null;
  seq: number;
  deps: EpaxosInstanceId[];
  /** Recovery's Phase 1 never takes the fast path (Figure 3, line 35). */
  avoidFast: boolean;
  recovering: boolean;
  replies: Map<NodeId, { seq: number; deps: EpaxosInstanceId[]; instance?: EpaxosInstance }>;
  startedMs: number;
  /** Recovery's TryPreAccept round (`recovery_rules.ts`). */
  trial?: {
    /** Replicas that hold the attributes with no conflict: identical replies and OKs. */
    holders: Set<NodeId>;
    /** Replicas not ruled out of the fast quorum the command leader may have had. */
    possible: Set<NodeId>;
    /** Replicas asked that have not answered. */
    waiting: Set<NodeId>;
    /** The PreAcceptOKs recovery found, for a restart of Phase 1. */
    preaccepted: EpaxosInstance[];
  };
}

const ORIGIN: Ballot = Object.freeze({ round: 0, proposer: "" });
const sameDeps = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);
const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * One EPaxos replica: command leader for its clients' commands, acceptor for everyone's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EpaxosNode } from "./node.ts";
 * const nodes = ["r1", "r2", "r3"];
 * const r1 = new EpaxosNode({ id: "r1", nodes });
 * r1.step("c1", { type: "Request", requestId: "c1#1", command: { key: "x", op: "write", value: 7 } });
 * assert.deepEqual(r1.ready().messages.map((m) => `${m.to} ${m.msg.type}`), ["r2 PreAccept", "r3 PreAccept"]);
 * // The fast quorum of 3 replicas is 2: one unchanged PreAcceptOK commits on the fast path.
 * r1.step("r2", { type: "PreAcceptOK", ballot: { round: 0, proposer: "r1" }, id: "r1.1", seq: 1, deps: [] });
 * const ready = r1.ready();
 * assert.deepEqual(ready.messages.map((m) => `${m.to} ${m.msg.type}`), ["r2 Commit", "r3 Commit", "c1 Reply"]);
 * assert.equal(r1.read("x"), 7);
 * ```
 */
export class EpaxosNode {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly quorums: { f: number; slow: number; fast: number; recovery: number };
  #options: Required<EpaxosOptions>;
  #now = 0;
  #lastInstance: number;
  #instances = new Map<EpaxosInstanceId, EpaxosInstance>();
  /** Instances with a command, by key: where conflicts are looked up. */
  #byKey = new Map<string, Set<EpaxosInstanceId>>();
  #proposals = new Map<EpaxosInstanceId, Proposal>();
  /** When this replica last saw progress on an uncommitted (or unknown) instance. */
  #touched = new Map<EpaxosInstanceId, number>();
  /** Client requests this replica leads, by instance. */
  #clients = new Map<
    EpaxosInstanceId,
    { client: NodeId; requestId: string; command: EpaxosCommand }
  >();
  #executor: EpaxosExecutor;
  /** Committed instances not executed yet, in commit order. */
  #unexecuted = new Set<EpaxosInstanceId>();
  /** Per command leader, the highest instance number this replica has heard of. */
  #highest = new Map<NodeId, number>();
  /** Per command leader, the instance numbers up to which this replica knows every instance. */
  #knownUpTo = new Map<NodeId, number>();
  #lastFrontierMs = 0;
  #store = new Map<string, number | null>();
  #ready: EpaxosReady = emptyReady();

  constructor(options: EpaxosNodeOptions) {
    this.#options = resolveEpaxosOptions(options);
    if (!options.nodes.includes(options.id)) {
      throw new RangeError(`EpaxosNode option id ${options.id} is not among nodes`);
    }
    this.id = options.id;
    this.nodes = this.#options.nodes;
    this.quorums = epaxosQuorums(this.nodes.length, this.#options);
    this.#lastInstance = options.lastInstance ?? 0;
    this.#executor = new EpaxosExecutor({
      variant: this.#options.variant === "ignore-dependencies" ? "ignore-dependencies" : "correct",
    });
    const recovered = [...(options.instances ?? [])].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    for (const [id, instance] of recovered) this.#remember(id, structuredClone(instance));
    // Replay committed instances: the store is volatile, the log is not. What ran before the
    // crash runs again silently; what had not yet run is traced as it runs now.
    for (const [id, instance] of recovered) {
      if (instance.status === "committed") {
        this.#unexecuted.add(id);
        this.#execute(id);
      } else this.#touched.set(id, 0);
    }
  }

  /** The value of `key` in this replica's store (null if never written). */
  read(key: string): number | null {
    return this.#store.get(key) ?? null;
  }

  /** What this replica knows of an instance (a copy), or undefined. */
  instance(id: EpaxosInstanceId): EpaxosInstance | undefined {
    const known = this.#instances.get(id);
    return known === undefined ? undefined : structuredClone(known);
  }

  /** The instances this replica executed, in order. */
  get executed(): readonly EpaxosInstanceId[] {
    return this.#executor.executed;
  }

  /** Takes the outputs accumulated since the last call. */
  ready(): EpaxosReady {
    const out = this.#ready;
    this.#ready = emptyReady();
    return out;
  }

  /** Handles one message. */
  step(from: NodeId, msg: EpaxosMessage): void {
    switch (msg.type) {
      case "Request":
        return this.#propose(`${this.id}.${this.#nextInstance()}`, msg.command, {
          client: from,
          requestId: msg.requestId,
          command: msg.command,
        });
      case "PreAccept":
        return this.#onPreAccept(from, msg);
      case "PreAcceptOK":
        return this.#onPreAcceptOK(from, msg);
      case "Accept":
        return this.#onAccept(from, msg);
      case "AcceptOK":
        return this.#onAcceptOK(from, msg);
      case "Commit":
        return this.#commit(msg.id, msg.command, msg.seq, msg.deps, null);
      case "Prepare":
        return this.#onPrepare(from, msg);
      case "PrepareOK":
        return this.#onPrepareOK(from, msg);
      case "TryPreAccept":
        return this.#onTryPreAccept(from, msg);
      case "TryPreAcceptReply":
        return this.#onTryPreAcceptReply(from, msg);
      case "Nack":
        return this.#onNack(msg);
      case "Frontier":
        return this.#onFrontier(msg);
      case "Reply":
        return; // meant for clients
      default: {
        const unknown: never = msg;
        throw new RangeError(`EpaxosNode cannot handle message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Advances this replica's clock by `elapsedMs`: leaders that waited long enough for a fast
   * quorum take the slow path, and instances stuck uncommitted are recovered (§4.5).
   */
  tick(elapsedMs: number): void {
    if (!(elapsedMs >= 0)) {
      throw new RangeError(`EpaxosNode.tick elapsedMs must be >= 0, got ${elapsedMs}`);
    }
    this.#now += elapsedMs;
    for (const [id, p] of [...this.#proposals]) {
      const waited = this.#now - p.startedMs;
      if (
        p.phase === "preaccept" && p.replies.size + 1 >= this.quorums.slow &&
        waited >= this.#options.fastPathTimeoutMs
      ) {
        this.#startAccept(id, p);
      }
    }
    // A committed instance waits on dependencies this replica may never have heard of.
    // Only those not yet executed: scanning every instance on each tick costs a long log dearly.
    for (const id of this.#unexecuted) {
      for (const d of this.#instances.get(id)!.deps) {
        if (this.#instances.get(d)?.status !== "committed" && !this.#touched.has(d)) {
          this.#touched.set(d, this.#now);
        }
      }
    }
    if (this.#now - this.#lastFrontierMs >= this.#options.catchUpIntervalMs) {
      this.#lastFrontierMs = this.#now;
      this.#broadcast({ type: "Frontier", highest: Object.fromEntries(this.#highest) });
    }
    // Stagger replicas so that they rarely duel over the same instance.
    const index = this.nodes.indexOf(this.id);
    const timeout = this.#options.recoveryTimeoutMs * (1 + index / this.nodes.length);
    for (const [id, since] of [...this.#touched]) {
      if (this.#instances.get(id)?.status === "committed") {
        this.#touched.delete(id);
      } else if (this.#now - since >= timeout) {
        this.#recover(id);
      }
    }
  }

  #nextInstance(): number {
    this.#lastInstance++;
    this.#ready.persist.nextInstance = this.#lastInstance;
    return this.#lastInstance;
  }

  #send(to: NodeId, msg: EpaxosMessage): void {
    this.#ready.messages.push({ to, msg });
  }

  #broadcast(msg: EpaxosMessage): void {
    for (const to of this.nodes) if (to !== this.id) this.#send(to, msg);
  }

  #persist(id: EpaxosInstanceId): void {
    const list = this.#ready.persist.instances;
    const i = list.findIndex(([k]) => k === id);
    const copy: [EpaxosInstanceId, EpaxosInstance] = [
      id,
      structuredClone(this.#instances.get(id)!),
    ];
    if (i >= 0) list[i] = copy;
    else list.push(copy);
  }

  #remember(id: EpaxosInstanceId, instance: EpaxosInstance): void {
    this.#instances.set(id, instance);
    this.#heardOf(id);
    if (instance.command !== null) {
      const key = instance.command.key;
      if (!this.#byKey.has(key)) this.#byKey.set(key, new Set());
      this.#byKey.get(key)!.add(id);
    }
  }

  #known(id: EpaxosInstanceId): EpaxosInstance {
    let instance = this.#instances.get(id);
    if (instance === undefined) {
      const initial = { round: 0, proposer: epaxosInstanceLeader(id) };
      instance = {
        command: null,
        seq: 0,
        deps: [],
        status: "none",
        ballot: initial,
        vballot: ORIGIN,
        unchanged: false,
        executed: false,
      };
      this.#instances.set(id, instance);
      this.#heardOf(id);
    }
    return instance;
  }

  #heardOf(id: EpaxosInstanceId): void {
    const leader = epaxosInstanceLeader(id);
    const number = Number(id.slice(leader.length + 1));
    if (number > (this.#highest.get(leader) ?? 0)) this.#highest.set(leader, number);
  }

  // Catch-up: a command leader numbers its instances densely, so every number below the
  // highest one heard of is an instance. One this replica never saw it recovers like any
  // instance stuck uncommitted (§4.5): if it was committed, the Prepare brings back its Commit.
  #onFrontier(msg: Extract<EpaxosMessage, { type: "Frontier" }>): void {
    for (const [leader, highest] of Object.entries(msg.highest)) {
      if (!this.nodes.includes(leader) || !(Number.isInteger(highest) && highest > 0)) continue;
      if (highest > (this.#highest.get(leader) ?? 0)) this.#highest.set(leader, highest);
      let upTo = this.#knownUpTo.get(leader) ?? 0;
      for (let n = upTo + 1; n <= highest; n++) {
        const id = `${leader}.${n}`;
        if ((this.#instances.get(id)?.status ?? "none") !== "none") {
          if (n === upTo + 1) upTo = n;
        } else if (!this.#touched.has(id) && leader !== this.id) {
          this.#touched.set(id, this.#now);
        }
      }
      this.#knownUpTo.set(leader, upTo);
    }
  }

  /** Sets an instance's command and attributes, keeping the conflict index right. */
  #set(id: EpaxosInstanceId, fields: Partial<EpaxosInstance>): EpaxosInstance {
    const instance = this.#known(id);
    const before = instance.command;
    Object.assign(instance, fields);
    if (before !== null && (instance.command === null || instance.command.key !== before.key)) {
      this.#byKey.get(before.key)?.delete(id);
    }
    this.#remember(id, instance);
    return instance;
  }

  /**
   * Figure 2, lines 3–4 and 10–11: seq one above the highest conflicting seq, and deps every
   * conflicting instance this replica knows (the instance itself excluded).
   */
  #attributes(
    id: EpaxosInstanceId,
    command: EpaxosCommand | null,
  ): { seq: number; deps: string[] } {
    if (command === null) return { seq: 0, deps: [] };
    let seq = 0;
    const deps: string[] = [];
    for (const other of this.#byKey.get(command.key) ?? []) {
      if (other === id) continue;
      const o = this.#instances.get(other)!;
      if (o.command === null || o.status === "none" || !epaxosConflicts(command, o.command)) {
        continue;
      }
      deps.push(other);
      seq = Math.max(seq, o.seq);
    }
    return { seq: seq + 1, deps: deps.sort() };
  }

  // Figure 2, lines 1–6: the command leader's Phase 1 at the default ballot.
  #propose(
    id: EpaxosInstanceId,
    command: EpaxosCommand,
    client: { client: NodeId; requestId: string; command: EpaxosCommand } | null,
  ): void {
    if (client !== null) {
      this.#clients.set(id, client);
      // Where a command's latency starts, for the experiment's commit latency.
      this.#ready.changes.push(["proposed", { id, requestId: client.requestId }]);
    }
    const ballot = { round: 0, proposer: this.id };
    const { seq, deps } = this.#attributes(id, command);
    this.#set(id, {
      command,
      seq,
      deps,
      status: "preaccepted",
      ballot,
      vballot: ballot,
      unchanged: true,
    });
    this.#persist(id);
    this.#touched.set(id, this.#now);
    this.#startPreAccept(id, ballot, command, seq, deps, false, false);
  }

  #startPreAccept(
    id: EpaxosInstanceId,
    ballot: Ballot,
    command: EpaxosCommand | null,
    seq: number,
    deps: EpaxosInstanceId[],
    avoidFast: boolean,
    recovering: boolean,
  ): void {
    const p: Proposal = {
      phase: "preaccept",
      ballot,
      command,
      seq,
      deps,
      avoidFast,
      recovering,
      replies: new Map(),
      startedMs: this.#now,
    };
    this.#proposals.set(id, p);
    this.#broadcast({ type: "PreAccept", ballot, id, command, seq, deps });
    this.#decidePreAccept(id, p);
  }

  // Figure 2, lines 7–13: an acceptor adds what conflicts here, records and replies.
  #onPreAccept(from: NodeId, msg: Extract<EpaxosMessage, { type: "PreAccept" }>): void {
    const instance = this.#known(msg.id);
    this.#touched.set(msg.id, this.#now);
    if (instance.status === "committed") return this.#sendCommit(from, msg.id);
    if (compareBallots(msg.ballot, instance.ballot) < 0) {
      return this.#send(from, {
        type: "Nack",
        id: msg.id,
        ballot: msg.ballot,
        promised: instance.ballot,
      });
    }
    // A PreAccept overtaken by the Accept of the same ballot is stale.
    if (instance.status === "accepted" && compareBallots(msg.ballot, instance.vballot) <= 0) return;
    const local = this.#attributes(msg.id, msg.command);
    const seq = Math.max(msg.seq, local.seq);
    const deps = union(msg.deps, local.deps);
    const unchanged = msg.ballot.round === 0 && seq === msg.seq && sameDeps(deps, msg.deps);
    this.#set(msg.id, {
      command: msg.command,
      seq,
      deps,
      status: "preaccepted",
      ballot: msg.ballot,
      vballot: msg.ballot,
      unchanged,
    });
    this.#persist(msg.id);
    this.#send(from, { type: "PreAcceptOK", ballot: msg.ballot, id: msg.id, seq, deps });
  }

  #onPreAcceptOK(from: NodeId, msg: Extract<EpaxosMessage, { type: "PreAcceptOK" }>): void {
    const p = this.#proposals.get(msg.id);
    if (p === undefined || p.phase !== "preaccept" || !sameBallot(p.ballot, msg.ballot)) return;
    p.replies.set(from, { seq: msg.seq, deps: msg.deps });
    this.#touched.set(msg.id, this.#now);
    this.#decidePreAccept(msg.id, p);
  }

  // Figure 2, lines 14–18: the fast path when the fast quorum's replies all equal the leader's
  // attributes; otherwise, once a majority replied, the slow path.
  #decidePreAccept(id: EpaxosInstanceId, p: Proposal): void {
    const instance = this.#instances.get(id)!;
    // A higher ballot took the instance over: this leader may no longer decide it.
    if (!sameBallot(instance.ballot, p.ballot)) return void this.#proposals.delete(id);
    const replies = [...p.replies.values()];
    const agree = replies.every((r) => r.seq === p.seq && sameDeps(r.deps, p.deps));
    if (!p.avoidFast && agree && replies.length + 1 >= this.quorums.fast) {
      return this.#decide(id, p.command, p.seq, p.deps, p.recovering ? "recovery" : "fast");
    }
    const waitedEnough = replies.length + 1 >= this.quorums.fast || !agree || p.avoidFast;
    if (replies.length + 1 >= this.quorums.slow && waitedEnough) this.#startAccept(id, p);
  }

  // Figure 2, lines 16–20: union of deps, highest seq, then Paxos-Accept.
  #startAccept(id: EpaxosInstanceId, p: Proposal): void {
    for (const r of p.replies.values()) {
      p.seq = Math.max(p.seq, r.seq);
      p.deps = union(p.deps, r.deps);
    }
    this.#accept(id, p.ballot, p.command, p.seq, p.deps, p.recovering);
  }

  #accept(
    id: EpaxosInstanceId,
    ballot: Ballot,
    command: EpaxosCommand | null,
    seq: number,
    deps: EpaxosInstanceId[],
    recovering: boolean,
  ): void {
    const p: Proposal = {
      phase: "accept",
      ballot,
      command,
      seq,
      deps,
      avoidFast: true,
      recovering,
      replies: new Map(),
      startedMs: this.#now,
    };
    this.#proposals.set(id, p);
    this.#set(id, {
      command,
      seq,
      deps,
      status: "accepted",
      ballot,
      vballot: ballot,
      unchanged: false,
    });
    this.#persist(id);
    this.#broadcast({ type: "Accept", ballot, id, command, seq, deps });
    this.#decideAccept(id, p);
  }

  #onAccept(from: NodeId, msg: Extract<EpaxosMessage, { type: "Accept" }>): void {
    const instance = this.#known(msg.id);
    this.#touched.set(msg.id, this.#now);
    if (instance.status === "committed") return this.#sendCommit(from, msg.id);
    if (compareBallots(msg.ballot, instance.ballot) < 0) {
      return this.#send(from, {
        type: "Nack",
        id: msg.id,
        ballot: msg.ballot,
        promised: instance.ballot,
      });
    }
    this.#set(msg.id, {
      command: msg.command,
      seq: msg.seq,
      deps: [...msg.deps],
      status: "accepted",
      ballot: msg.ballot,
      vballot: msg.ballot,
      unchanged: false,
    });
    this.#persist(msg.id);
    this.#send(from, { type: "AcceptOK", ballot: msg.ballot, id: msg.id });
  }

  #onAcceptOK(from: NodeId, msg: Extract<EpaxosMessage, { type: "AcceptOK" }>): void {
    const p = this.#proposals.get(msg.id);
    if (p === undefined || p.phase !== "accept" || !sameBallot(p.ballot, msg.ballot)) return;
    p.replies.set(from, { seq: p.seq, deps: p.deps });
    this.#decideAccept(msg.id, p);
  }

  // Figure 2, lines 21–23: a majority accepted, so the attributes are chosen.
  #decideAccept(id: EpaxosInstanceId, p: Proposal): void {
    if (!sameBallot(this.#instances.get(id)!.ballot, p.ballot)) {
      return void this.#proposals.delete(id);
    }
    if (p.replies.size + 1 >= this.quorums.slow) {
      this.#decide(id, p.command, p.seq, p.deps, p.recovering ? "recovery" : "slow");
    }
  }

  #decide(
    id: EpaxosInstanceId,
    command: EpaxosCommand | null,
    seq: number,
    deps: EpaxosInstanceId[],
    path: EpaxosPath,
  ): void {
    this.#proposals.delete(id);
    // The Commit goes out before execution, whose Reply may wait on dependencies anyway.
    this.#broadcast({ type: "Commit", id, command, seq, deps });
    this.#commit(id, command, seq, deps, path);
  }

  #sendCommit(to: NodeId, id: EpaxosInstanceId): void {
    const { command, seq, deps } = this.#instances.get(id)!;
    this.#send(to, { type: "Commit", id, command, seq, deps });
  }

  #commit(
    id: EpaxosInstanceId,
    command: EpaxosCommand | null,
    seq: number,
    deps: readonly EpaxosInstanceId[],
    path: EpaxosPath | null,
  ): void {
    const instance = this.#known(id);
    if (instance.status === "committed") return;
    this.#proposals.delete(id);
    this.#touched.delete(id);
    this.#set(id, { command, seq, deps: [...deps].sort(), status: "committed" });
    this.#unexecuted.add(id);
    this.#persist(id);
    const change: Record<string, unknown> = { id, command, seq, deps: [...deps].sort() };
    if (path !== null) change.path = path;
    this.#ready.changes.push(["committed", change]);
    // Recovery replaced this leader's command by a no-op: propose it again in a new instance.
    const client = this.#clients.get(id);
    if (client !== undefined && command === null) {
      this.#clients.delete(id);
      this.#propose(`${this.id}.${this.#nextInstance()}`, client.command, client);
    }
    this.#execute(id);
  }

  #execute(id: EpaxosInstanceId): void {
    const { command, seq, deps } = this.#instances.get(id)!;
    for (const ran of this.#executor.commit(id, { command, seq, deps })) {
      const instance = this.#instances.get(ran)!;
      this.#unexecuted.delete(ran);
      let value: number | null = null;
      if (instance.command !== null) {
        if (instance.command.op === "write") {
          this.#store.set(instance.command.key, instance.command.value ?? null);
        } else value = this.#store.get(instance.command.key) ?? null;
      }
      if (instance.executed) continue; // replayed after a restart
      instance.executed = true;
      this.#persist(ran);
      if (instance.command !== null) {
        this.#ready.changes.push(["executed", { id: ran, command: instance.command, value }]);
      }
      const client = this.#clients.get(ran);
      if (client !== undefined) {
        this.#clients.delete(ran);
        this.#send(client.client, { type: "Reply", requestId: client.requestId, value });
      }
    }
  }

  // Figure 3, lines 25–26: take the instance over with a ballot above any seen for it.
  #recover(id: EpaxosInstanceId): void {
    const instance = this.#known(id);
    const ballot = { round: instance.ballot.round + 1, proposer: this.id };
    instance.ballot = ballot;
    this.#persist(id);
    this.#touched.set(id, this.#now);
    this.#ready.changes.push(["recovery", { id, ballot: formatBallot(ballot) }]);
    const p: Proposal = {
      phase: "prepare",
      ballot,
      command: null,
      seq: 0,
      deps: [],
      avoidFast: true,
      recovering: true,
      replies: new Map([[this.id, {
        seq: instance.seq,
        deps: instance.deps,
        instance: structuredClone(instance),
      }]]),
      startedMs: this.#now,
    };
    this.#proposals.set(id, p);
    this.#broadcast({ type: "Prepare", ballot, id });
  }

  // Figure 3, lines 27–29.
  #onPrepare(from: NodeId, msg: Extract<EpaxosMessage, { type: "Prepare" }>): void {
    const instance = this.#known(msg.id);
    if (instance.status === "committed") return this.#sendCommit(from, msg.id);
    if (compareBallots(msg.ballot, instance.ballot) <= 0) {
      return this.#send(from, {
        type: "Nack",
        id: msg.id,
        ballot: msg.ballot,
        promised: instance.ballot,
      });
    }
    // The promise is kept on disk even for an instance never seen: a restart must not forget it.
    instance.ballot = msg.ballot;
    this.#persist(msg.id);
    // Someone else is on it: wait before trying again ourselves.
    this.#touched.set(msg.id, this.#now);
    this.#proposals.delete(msg.id);
    this.#send(from, {
      type: "PrepareOK",
      ballot: msg.ballot,
      id: msg.id,
      instance: structuredClone(instance),
    });
  }

  // Figure 3, lines 30–36: decide from a majority's replies.
  #onPrepareOK(from: NodeId, msg: Extract<EpaxosMessage, { type: "PrepareOK" }>): void {
    const p = this.#proposals.get(msg.id);
    if (p === undefined || p.phase !== "prepare" || !sameBallot(p.ballot, msg.ballot)) return;
    p.replies.set(from, { seq: msg.instance.seq, deps: msg.instance.deps, instance: msg.instance });
    if (p.replies.size < this.quorums.slow) return;
    const id = msg.id;
    // Meanwhile this replica promised a higher ballot to another recoverer: step aside.
    if (!sameBallot(this.#instances.get(id)!.ballot, p.ballot)) {
      return void this.#proposals.delete(id);
    }
    const leader = epaxosInstanceLeader(id);
    const known = [...p.replies].map(([node, r]) => ({ node, instance: r.instance! }));
    const committed = known.find((k) => k.instance.status === "committed");
    if (committed !== undefined) {
      const c = committed.instance;
      return this.#decide(id, c.command, c.seq, c.deps, "recovery");
    }
    const accepted = known.filter((k) => k.instance.status === "accepted")
      .sort((a, b) => compareBallots(b.instance.vballot, a.instance.vballot));
    if (accepted.length > 0) {
      const a = accepted[0].instance;
      return this.#accept(id, p.ballot, a.command, a.seq, a.deps, true);
    }
    const preaccepted = known.filter((k) => k.instance.status === "preaccepted");
    // Line 34: replicas that hold the leader's own attributes, unchanged, at the default
    // ballot — a fast commit may have happened, so those attributes may be the only safe choice.
    // A reply from the leader itself means it is alive and did not commit (it would say so).
    const unchanged = preaccepted.filter((k) => k.instance.unchanged && k.node !== leader);
    const leaderReplied = known.some((k) => k.node === leader);
    const check = this.#options.variant !== "no-recovery-check";
    if (check && !leaderReplied && unchanged.length > 0) {
      const rule = epaxosPreAcceptedRecovery(unchanged.length, this.quorums);
      const u = unchanged[0].instance;
      if (rule === "accept") return this.#accept(id, p.ballot, u.command, u.seq, u.deps, true);
      if (rule === "try-pre-accept") {
        const replied = known.map((k) => k.node);
        return this.#startTryPreAccept(id, p, u, unchanged.map((k) => k.node), replied);
      }
    }
    if (preaccepted.length > 0) {
      return this.#restartPreAccept(id, p, preaccepted.map((k) => k.instance));
    }
    // Line 36: nobody in a majority saw the command, so it cannot have been committed.
    return this.#accept(id, p.ballot, null, 0, [], true);
  }

  // Line 35: restart Phase 1 for the command, avoiding the fast path.
  #restartPreAccept(id: EpaxosInstanceId, p: Proposal, preaccepted: EpaxosInstance[]): void {
    const command = preaccepted[0].command;
    const mine = this.#attributes(id, command);
    const seq = Math.max(mine.seq, ...preaccepted.map((k) => k.seq));
    const deps = preaccepted.reduce((acc, k) => union(acc, k.deps), mine.deps);
    this.#set(id, {
      command,
      seq,
      deps,
      status: "preaccepted",
      vballot: p.ballot,
      unchanged: false,
    });
    this.#persist(id);
    return this.#startPreAccept(id, p.ballot, command, seq, deps, true, true);
  }

  // The technical report's recovery: too few identical replies to prove a majority holds the
  // leader's attributes, too many to rule out a fast commit. Ask the others to pre-accept them.
  #startTryPreAccept(
    id: EpaxosInstanceId,
    p: Proposal,
    attributes: EpaxosInstance,
    identical: NodeId[],
    replied: NodeId[],
  ): void {
    const leader = epaxosInstanceLeader(id);
    const preaccepted = [...p.replies.values()].map((r) => r.instance!)
      .filter((i) => i.status === "preaccepted");
    // A replica that replied without the unchanged attributes was not in the fast quorum.
    const possible = new Set(
      this.nodes.filter((n) => n === leader || identical.includes(n) || !replied.includes(n)),
    );
    const trial = {
      holders: new Set(identical),
      possible,
      waiting: new Set<NodeId>(),
      preaccepted,
    };
    Object.assign(p, {
      phase: "trypreaccept",
      command: attributes.command,
      seq: attributes.seq,
      deps: [...attributes.deps],
      trial,
    });
    if (!trial.holders.has(this.id)) {
      const conflict = epaxosTryPreAcceptConflict(
        id,
        attributes.command,
        attributes.deps,
        this.#instances,
      );
      if (conflict?.committed) return this.#restartPreAccept(id, p, preaccepted);
      if (conflict === null) {
        this.#holdTrial(id, p.ballot, p.command, p.seq, p.deps);
        trial.holders.add(this.id);
      } else this.#ruleOut(id, p, this.id, conflict.fromLeader ? conflict.id : null);
    }
    for (const to of this.nodes) {
      if (to === this.id || trial.holders.has(to)) continue;
      trial.waiting.add(to);
      this.#send(to, {
        type: "TryPreAccept",
        ballot: p.ballot,
        id,
        command: p.command,
        seq: p.seq,
        deps: p.deps,
      });
    }
    this.#decideTryPreAccept(id, p);
  }

  /** Pre-accepts a TryPreAccept's attributes at its ballot (no fast path can follow from it). */
  #holdTrial(
    id: EpaxosInstanceId,
    ballot: Ballot,
    command: EpaxosCommand | null,
    seq: number,
    deps: EpaxosInstanceId[],
  ): void {
    this.#set(id, {
      command,
      seq,
      deps: [...deps],
      status: "preaccepted",
      ballot,
      vballot: ballot,
      unchanged: false,
    });
    this.#persist(id);
  }

  // A replica that reported a conflict did not pre-accept the attributes unchanged; nor did the
  // conflicting instance's own leader, when the replier holds that instance from the leader's
  // default-ballot PreAccept without our instance in its deps: had the leader pre-accepted ours
  // first it would have made its command depend on ours, and had it pre-accepted ours after
  // proposing its own, it would have added its own to our deps (so changed them).
  #ruleOut(id: EpaxosInstanceId, p: Proposal, replier: NodeId, from: EpaxosInstanceId | null) {
    const leader = epaxosInstanceLeader(id);
    p.trial!.possible.delete(replier);
    if (from !== null && epaxosInstanceLeader(from) !== leader) {
      p.trial!.possible.delete(epaxosInstanceLeader(from));
    }
  }

  #decideTryPreAccept(id: EpaxosInstanceId, p: Proposal): void {
    if (!sameBallot(this.#instances.get(id)!.ballot, p.ballot)) {
      return void this.#proposals.delete(id);
    }
    const trial = p.trial!;
    // A majority holds the attributes and none of them knows a command they would leave
    // without a dependency either way: accepting them keeps Lemma 1.
    if (trial.holders.size >= this.quorums.slow) {
      return this.#accept(id, p.ballot, p.command, p.seq, p.deps, true);
    }
    // No fast quorum fits among the replicas not ruled out: no fast commit happened.
    if (!epaxosFastQuorumPossible(trial.possible, this.quorums.fast)) {
      return this.#restartPreAccept(id, p, trial.preaccepted);
    }
    // Neither can happen any more: defer, and let the recovery timeout try again later, when
    // the conflicting instances may have been committed.
    if (trial.holders.size + trial.waiting.size < this.quorums.slow) {
      this.#proposals.delete(id);
      this.#touched.set(id, this.#now);
    }
  }

  // The report's TryPreAccept at an acceptor: pre-accept the attributes unless that would leave
  // a conflicting instance this replica knows with no dependency either way.
  #onTryPreAccept(from: NodeId, msg: Extract<EpaxosMessage, { type: "TryPreAccept" }>): void {
    const instance = this.#known(msg.id);
    this.#touched.set(msg.id, this.#now);
    if (instance.status === "committed") return this.#sendCommit(from, msg.id);
    if (compareBallots(msg.ballot, instance.ballot) < 0) {
      return this.#send(from, {
        type: "Nack",
        id: msg.id,
        ballot: msg.ballot,
        promised: instance.ballot,
      });
    }
    instance.ballot = msg.ballot;
    this.#proposals.delete(msg.id);
    const reply = (ok: boolean, conflict: EpaxosTryPreAcceptConflict | null) => {
      this.#persist(msg.id);
      this.#send(from, { type: "TryPreAcceptReply", ballot: msg.ballot, id: msg.id, ok, conflict });
    };
    // Accepted attributes must not regress to pre-accepted ones: let the recoverer start over.
    if (instance.status === "accepted") {
      return reply(false, { id: msg.id, committed: false, fromLeader: false });
    }
    // Already holding the leader's attributes unchanged: whatever it saw since depends on them.
    if (
      instance.status === "preaccepted" && instance.unchanged && instance.seq === msg.seq &&
      sameDeps(instance.deps, msg.deps)
    ) return reply(true, null);
    const conflict = epaxosTryPreAcceptConflict(msg.id, msg.command, msg.deps, this.#instances);
    if (conflict !== null) return reply(false, conflict);
    this.#holdTrial(msg.id, msg.ballot, msg.command, msg.seq, msg.deps);
    reply(true, null);
  }

  #onTryPreAcceptReply(
    from: NodeId,
    msg: Extract<EpaxosMessage, { type: "TryPreAcceptReply" }>,
  ): void {
    const p = this.#proposals.get(msg.id);
    if (p === undefined || p.phase !== "trypreaccept" || !sameBallot(p.ballot, msg.ballot)) return;
    const trial = p.trial!;
    if (!trial.waiting.delete(from)) return;
    this.#touched.set(msg.id, this.#now);
    if (msg.ok) trial.holders.add(from);
    else if (msg.conflict !== null && msg.conflict.id !== msg.id) {
      // A committed conflicting command without a dependency either way: by Lemma 1 our
      // instance cannot have been committed with these attributes, so Phase 1 may restart.
      if (msg.conflict.committed) return this.#restartPreAccept(msg.id, p, trial.preaccepted);
      this.#ruleOut(msg.id, p, from, msg.conflict.fromLeader ? msg.conflict.id : null);
    }
    this.#decideTryPreAccept(msg.id, p);
  }

  #onNack(msg: Extract<EpaxosMessage, { type: "Nack" }>): void {
    const instance = this.#known(msg.id);
    instance.ballot = maxBallot(instance.ballot, msg.promised);
    const p = this.#proposals.get(msg.id);
    if (p !== undefined && compareBallots(msg.promised, p.ballot) > 0) {
      this.#proposals.delete(msg.id);
    }
    this.#touched.set(msg.id, this.#now);
  }
}
