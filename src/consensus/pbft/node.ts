/**
 * A PBFT replica (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999) as a
 * pure state machine in the Step/Ready shape of {@linkcode RaftNode}: messages go in through
 * {@linkcode PbftNode.step}, the view-change timer through {@linkcode PbftNode.viewChangeTimeout},
 * and {@linkcode PbftNode.ready} hands back what to send, arm and trace. `replica.ts` runs it
 * on the kernel, and is where a Byzantine adversary takes over a replica.
 *
 * The protocol: n = 3f + 1 replicas; the primary of view v is replica v mod n. Normal case
 * (§4.2): the primary assigns a sequence number in a PrePrepare, backups Prepare, a replica
 * with a prepared certificate (PrePrepare + 2f Prepares) Commits, and with 2f + 1 Commits it
 * executes in sequence order and replies to the client, who waits for f + 1 matching Replies.
 * Checkpoints (§4.3) every `checkpointInterval` requests become stable with 2f + 1 matching
 * Checkpoints, which garbage-collects the log and moves the water marks. View change (§4.4):
 * a backup whose timer expires while it waits for a request to execute moves to the next
 * view; the new primary, with 2f + 1 ViewChanges, re-proposes every request any of them had
 * prepared (the highest view's) and fills gaps with the null request.
 *
 * Guarantees: with at most f Byzantine replicas, correct replicas never execute different
 * requests at one sequence number (safety, §4.5.1), whatever the network does; with a
 * network that eventually delivers, clients' requests complete (liveness, §4.5.2).
 * Non-goals: crash recovery (a replica that crashes counts as one of the f faulty ones; the
 * adapter keeps it down), batching, MAC authenticators, read-only optimisations, proactive
 * recovery.
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import {
  isCommittedLocal,
  isPrepared,
  PBFT_VARIANTS,
  type PbftQuorums,
  pbftQuorums,
  type PbftResult,
  type PbftVariant,
  type PbftVote,
} from "./quorums.ts";
import {
  type NewViewEntry,
  type PbftMessage,
  type PbftRequest,
  type PbftServiceState,
  type PreparedProof,
  requestDigest,
  stateDigest,
  type ViewChangeProof,
} from "./types.ts";

/**
 * The decisions a replica delegates (the quorum rules of `quorums.ts`), replaceable so the
 * `pbft-quorums` lab can run the protocol on a learner's rules.
 */
export interface PbftRules {
  /** Quorum sizes for n replicas. */
  quorums(n: number): PbftQuorums;
  isPrepared: typeof isPrepared;
  isCommittedLocal: typeof isCommittedLocal;
}

/** The knobs of a PBFT deployment (shared by every replica). */
export interface PbftOptions {
  /** Replacement decision rules (labs); they take precedence over `variant`. @default the paper's */
  rules?: Partial<PbftRules>;
  /** Every replica, in the order that makes replica v mod n the primary of view v. */
  nodes: readonly NodeId[];
  /** @default "correct" */
  variant?: PbftVariant;
  /** A checkpoint every this many sequence numbers (K in §4.3). @default 4 */
  checkpointInterval?: number;
  /** High water mark minus low (L in §4.2): how far the primary may run ahead. @default 16 */
  logWindow?: number;
  /** How long a backup waits for a request to execute before it changes view. @default 200 */
  viewChangeTimeoutMs?: number;
}

/**
 * Fills in the defaults of {@linkcode PbftOptions} and validates them up front.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePbftOptions } from "./node.ts";
 * assert.equal(resolvePbftOptions({ nodes: ["r1", "r2", "r3", "r4"] }).checkpointInterval, 4);
 * assert.throws(() => resolvePbftOptions({ nodes: [] }), /option nodes/);
 * ```
 */
export function resolvePbftOptions(
  options: PbftOptions,
  where = "PbftNode",
): Required<PbftOptions> {
  if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
    throw new RangeError(`${where} option nodes must be a non-empty list of node ids`);
  }
  if (new Set(options.nodes).size !== options.nodes.length) {
    throw new RangeError(
      `${where} option nodes must not repeat an id, got ${options.nodes.join(", ")}`,
    );
  }
  const resolved = {
    nodes: options.nodes,
    rules: options.rules ?? {},
    variant: options.variant ?? "correct",
    checkpointInterval: options.checkpointInterval ?? 4,
    logWindow: options.logWindow ?? 16,
    viewChangeTimeoutMs: options.viewChangeTimeoutMs ?? 200,
  };
  if (!PBFT_VARIANTS.includes(resolved.variant)) {
    throw new RangeError(
      `${where} option variant must be one of ${PBFT_VARIANTS.join(", ")}, got ${resolved.variant}`,
    );
  }
  if (!(Number.isInteger(resolved.checkpointInterval) && resolved.checkpointInterval >= 1)) {
    throw new RangeError(
      `${where} option checkpointInterval must be an integer >= 1, got ${resolved.checkpointInterval}`,
    );
  }
  if (
    !(Number.isInteger(resolved.logWindow) && resolved.logWindow >= resolved.checkpointInterval)
  ) {
    throw new RangeError(
      `${where} option logWindow must be an integer >= checkpointInterval (${resolved.checkpointInterval}), got ${resolved.logWindow}`,
    );
  }
  if (!(resolved.viewChangeTimeoutMs > 0)) {
    throw new RangeError(
      `${where} option viewChangeTimeoutMs must be > 0, got ${resolved.viewChangeTimeoutMs}`,
    );
  }
  return resolved;
}

/** A message for the caller to send. */
export interface PbftOutgoing {
  to: NodeId;
  msg: PbftMessage;
}

/**
 * What the caller must do after a call into the replica: send `messages`, trace `changes`
 * (`view`, `executed`, `stable`, `state-transfer`) and arm or stop the view-change timer (a
 * delay in ms, null to stop, absent to leave it alone).
 */
export interface PbftReady {
  messages: PbftOutgoing[];
  changes: [key: string, value: unknown][];
  timer?: number | null;
}

/** The primary of view `view`: replica view mod n (§4.1). */
export function pbftPrimary(nodes: readonly NodeId[], view: number): NodeId {
  return nodes[view % nodes.length];
}

/**
 * The PrePrepares a new primary issues (the set O of §4.4), from the ViewChanges it holds:
 * for every sequence number between the latest stable checkpoint min-s and the highest
 * prepared max-s, the request prepared in the highest view, or the null request. Backups
 * recompute it from the ViewChanges a NewView quotes, so a primary cannot make one up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newViewEntries } from "./node.ts";
 * const request = { client: "c1", timestamp: 1, op: { f: "read" as const } };
 * const entries = newViewEntries([
 *   { from: "r2", stableSeq: 0, prepared: [{ seq: 2, view: 0, digest: "c1#1#read", request }] },
 *   { from: "r3", stableSeq: 0, prepared: [] },
 * ]);
 * assert.deepEqual(entries.map((e) => `${e.seq} ${e.digest}`), ["1 null", "2 c1#1#read"]);
 * ```
 */
export function newViewEntries(viewChanges: readonly ViewChangeProof[]): NewViewEntry[] {
  const minS = Math.max(0, ...viewChanges.map((v) => v.stableSeq));
  const best = new Map<number, PreparedProof>();
  for (const vc of viewChanges) {
    for (const p of vc.prepared) {
      if (p.seq <= minS) continue;
      const known = best.get(p.seq);
      if (known === undefined || p.view > known.view) best.set(p.seq, p);
    }
  }
  const maxS = Math.max(minS, ...best.keys());
  const out: NewViewEntry[] = [];
  for (let seq = minS + 1; seq <= maxS; seq++) {
    const p = best.get(seq);
    out.push(
      p ? { seq, digest: p.digest, request: p.request } : {
        seq,
        digest: requestDigest(null),
        request: null,
      },
    );
  }
  return out;
}

/** Runs one operation on the service state (the deterministic state machine of §3). */
function execute(state: PbftServiceState, request: PbftRequest): PbftResult {
  if (request.op.f === "write") {
    state.register = request.op.value;
    return "ok";
  }
  return state.register;
}

function copyState(state: PbftServiceState): PbftServiceState {
  return { register: state.register, replies: { ...state.replies } };
}

const slotKey = (view: number, seq: number) => `${view}|${seq}`;

/** How many early PrePrepares a replica keeps (a limit on everything, as TigerBeetle says). */
const EARLY_LIMIT = 256;

/** Options of a {@linkcode PbftNode}: the deployment's, plus this replica's id. */
export interface PbftNodeOptions extends PbftOptions {
  id: NodeId;
}

/**
 * One PBFT replica.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PbftNode } from "./node.ts";
 * const nodes = ["r1", "r2", "r3", "r4"];
 * const primary = new PbftNode({ id: "r1", nodes });
 * const request = { client: "c1", timestamp: 1, op: { f: "write" as const, value: 7 } };
 * primary.step("c1", { type: "Request", request });
 * assert.deepEqual(primary.ready().messages.map((m) => `${m.to} ${m.msg.type}`), [
 *   "r2 PrePrepare",
 *   "r3 PrePrepare",
 *   "r4 PrePrepare",
 * ]);
 * // Two backups prepare: with its PrePrepare the primary holds a prepared certificate and commits.
 * primary.step("r2", { type: "Prepare", view: 0, seq: 1, digest: "c1#1#write:7" });
 * primary.step("r3", { type: "Prepare", view: 0, seq: 1, digest: "c1#1#write:7" });
 * assert.equal(primary.ready().messages.filter((m) => m.msg.type === "Commit").length, 3);
 * primary.step("r2", { type: "Commit", view: 0, seq: 1, digest: "c1#1#write:7" });
 * primary.step("r3", { type: "Commit", view: 0, seq: 1, digest: "c1#1#write:7" });
 * assert.equal(primary.lastExecuted, 1);
 * assert.deepEqual(primary.ready().messages.map((m) => `${m.to} ${m.msg.type}`), ["c1 Reply"]);
 * ```
 */
export class PbftNode {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly quorums: PbftQuorums;
  #options: Required<PbftOptions>;
  #isPrepared: typeof isPrepared;
  #isCommittedLocal: typeof isCommittedLocal;

  #view = 0;
  #viewChanging = false;
  /** View changes in a row without a NewView: each doubles the timeout (§4.5.2). */
  #failedViewChanges = 0;
  #lastExecuted = 0;
  #state: PbftServiceState = { register: null, replies: {} };
  #stableSeq = 0;
  #stableState: PbftServiceState = { register: null, replies: {} };
  /** Highest sequence number this replica assigned as primary. */
  #nextSeq = 0;
  /** Accepted PrePrepares by view|seq. */
  #prePrepares = new Map<string, { digest: string; request: PbftRequest | null }>();
  #prepares = new Map<string, PbftVote[]>();
  #commits = new Map<string, PbftVote[]>();
  /** view|seq for which this replica already sent its Commit. */
  #committedSent = new Set<string>();
  /** The P set: per sequence number, the request prepared in the highest view. */
  #prepared = new Map<number, PreparedProof>();
  /** Committed locally, waiting for every lower sequence number to execute. */
  #committed = new Map<number, { digest: string; request: PbftRequest | null }>();
  /** Requests this replica waits to see executed, by digest (what the timer watches). */
  #pending = new Map<string, PbftRequest>();
  /** Requests the primary could not assign yet (window full), in arrival order. */
  #queued: PbftRequest[] = [];
  /** Digests assigned in the current view (the primary assigns each request once). */
  #assigned = new Set<string>();
  #checkpoints = new Map<number, Map<NodeId, { digest: string; state: PbftServiceState }>>();
  #viewChanges = new Map<number, Map<NodeId, ViewChangeProof & { state: PbftServiceState }>>();
  /** PrePrepares for a view this replica has not entered yet. */
  #early: { from: NodeId; msg: Extract<PbftMessage, { type: "PrePrepare" }> }[] = [];
  #timerArmed = false;
  #ready: PbftReady = { messages: [], changes: [] };

  constructor(options: PbftNodeOptions) {
    this.#options = resolvePbftOptions(options);
    if (!options.nodes.includes(options.id)) {
      throw new RangeError(`PbftNode option id ${options.id} is not among nodes`);
    }
    this.id = options.id;
    this.nodes = this.#options.nodes;
    const rules = this.#options.rules;
    this.quorums = rules.quorums
      ? rules.quorums(this.nodes.length)
      : pbftQuorums(this.nodes.length, this.#options.variant);
    this.#isPrepared = rules.isPrepared ?? isPrepared;
    this.#isCommittedLocal = rules.isCommittedLocal ?? isCommittedLocal;
  }

  /** The current view (the one being changed to, during a view change). */
  get view(): number {
    return this.#view;
  }
  /** Whether a view change is under way (normal-case messages are ignored meanwhile). */
  get viewChanging(): boolean {
    return this.#viewChanging;
  }
  /** Highest sequence number executed. */
  get lastExecuted(): number {
    return this.#lastExecuted;
  }
  /** Sequence number of the latest stable checkpoint (the low water mark). */
  get stableSeq(): number {
    return this.#stableSeq;
  }
  /** The service state (a copy). */
  get state(): PbftServiceState {
    return copyState(this.#state);
  }
  /** Log entries kept (PrePrepares above the stable checkpoint), to watch garbage collection. */
  get logSize(): number {
    return this.#prePrepares.size;
  }
  /** The primary of the current view. */
  get primary(): NodeId {
    return pbftPrimary(this.nodes, this.#view);
  }

  /** Takes what the caller must do since the last call. */
  ready(): PbftReady {
    const ready = this.#ready;
    this.#ready = { messages: [], changes: [] };
    return ready;
  }

  /** Handles one message. */
  step(from: NodeId, msg: PbftMessage): void {
    switch (msg.type) {
      case "Request":
        this.#onRequest(from, msg.request);
        break;
      case "PrePrepare":
        this.#onPrePrepare(from, msg);
        break;
      case "Prepare":
        this.#onVote(this.#prepares, from, msg);
        this.#checkPrepared(msg.view, msg.seq);
        break;
      case "Commit":
        this.#onVote(this.#commits, from, msg);
        this.#checkCommitted(msg.view, msg.seq);
        break;
      case "Reply":
        break; // Replies are for clients; a replica ignores them.
      case "Checkpoint":
        this.#onCheckpoint(from, msg);
        break;
      case "ViewChange":
        this.#onViewChange(from, msg);
        break;
      case "NewView":
        this.#onNewView(from, msg);
        break;
      default: {
        const unknown: never = msg;
        throw new RangeError(`PbftNode got an unknown message ${JSON.stringify(unknown)}`);
      }
    }
    this.#updateTimer();
  }

  /**
   * The view-change timer expired: the replica waited too long for a request to execute (or
   * for the NewView of a view change), so it moves to the next view (§4.4, §4.5.2).
   */
  viewChangeTimeout(): void {
    this.#timerArmed = false;
    if (this.#viewChanging) this.#failedViewChanges++;
    this.#startViewChange(this.#view + 1);
  }

  #isPrimary(): boolean {
    return this.primary === this.id;
  }

  #send(to: NodeId, msg: PbftMessage): void {
    this.#ready.messages.push({ to, msg });
  }

  #broadcast(msg: PbftMessage): void {
    for (const to of this.nodes) if (to !== this.id) this.#send(to, msg);
  }

  #inWindow(seq: number): boolean {
    return seq > this.#stableSeq && seq <= this.#stableSeq + this.#options.logWindow;
  }

  // §4.1: a replica that already executed the request resends the reply; the primary assigns
  // a sequence number; a backup relays it to the primary and starts waiting for it.
  #onRequest(from: NodeId, request: PbftRequest): void {
    const last = this.#state.replies[request.client];
    if (last !== undefined && last.timestamp >= request.timestamp) {
      if (last.timestamp === request.timestamp) {
        this.#send(request.client, {
          type: "Reply",
          view: this.#view,
          timestamp: last.timestamp,
          result: last.result,
        });
      }
      return;
    }
    const digest = requestDigest(request);
    if (this.#isPrimary() && !this.#viewChanging) {
      if (this.#assigned.has(digest) || this.#queued.some((r) => requestDigest(r) === digest)) {
        return;
      }
      this.#queued.push(request);
      this.#assignQueued();
      return;
    }
    if (!this.#pending.has(digest)) this.#pending.set(digest, request);
    if (from === request.client) this.#send(this.primary, { type: "Request", request });
  }

  // The primary assigns sequence numbers while they stay under the high water mark (§4.2).
  #assignQueued(): void {
    while (this.#queued.length > 0 && this.#inWindow(this.#nextSeq + 1)) {
      const request = this.#queued.shift()!;
      const digest = requestDigest(request);
      if (this.#assigned.has(digest)) continue;
      const last = this.#state.replies[request.client];
      if (last !== undefined && last.timestamp >= request.timestamp) continue;
      const seq = ++this.#nextSeq;
      this.#assigned.add(digest);
      this.#prePrepares.set(slotKey(this.#view, seq), { digest, request });
      this.#broadcast({ type: "PrePrepare", view: this.#view, seq, digest, request });
    }
  }

  // §4.2: a backup accepts a PrePrepare from the view's primary, in its view, inside the water
  // marks, with the right digest, and only if it accepted no other one for that view and seq.
  #onPrePrepare(from: NodeId, msg: Extract<PbftMessage, { type: "PrePrepare" }>): void {
    if (msg.view > this.#view || (msg.view === this.#view && this.#viewChanging)) {
      // Links reorder: the new primary's first PrePrepares can overtake its NewView. Keep them
      // (a bounded few) for when the view starts, instead of losing them.
      if (this.#early.length < EARLY_LIMIT) this.#early.push({ from, msg });
      return;
    }
    if (msg.view !== this.#view || from !== this.primary) return;
    if (from === this.id || !this.#inWindow(msg.seq)) return;
    if (requestDigest(msg.request) !== msg.digest) return;
    const key = slotKey(msg.view, msg.seq);
    if (this.#prePrepares.has(key)) return;
    this.#prePrepares.set(key, { digest: msg.digest, request: msg.request });
    if (msg.request !== null && msg.seq > this.#lastExecuted) {
      this.#pending.set(msg.digest, msg.request);
    }
    this.#prepare(msg.view, msg.seq, msg.digest);
  }

  #prepare(view: number, seq: number, digest: string): void {
    const vote = { type: "Prepare" as const, view, seq, digest };
    this.#onVote(this.#prepares, this.id, vote);
    this.#broadcast(vote);
    this.#checkPrepared(view, seq);
  }

  #onVote(
    votes: Map<string, PbftVote[]>,
    from: NodeId,
    msg: { view: number; seq: number; digest: string },
  ): void {
    if (msg.seq <= this.#stableSeq || msg.seq > this.#stableSeq + this.#options.logWindow) return;
    const key = slotKey(msg.view, msg.seq);
    let list = votes.get(key);
    if (!list) votes.set(key, list = []);
    if (list.some((v) => v.from === from && v.digest === msg.digest)) return;
    list.push({ from, view: msg.view, seq: msg.seq, digest: msg.digest });
  }

  #prePrepareVote(view: number, seq: number): PbftVote | null {
    const pp = this.#prePrepares.get(slotKey(view, seq));
    if (pp === undefined) return null;
    return { from: pbftPrimary(this.nodes, view), view, seq, digest: pp.digest };
  }

  #isPreparedAt(view: number, seq: number): boolean {
    return this.#isPrepared(
      this.#prePrepareVote(view, seq),
      this.#prepares.get(slotKey(view, seq)) ?? [],
      {
        primary: pbftPrimary(this.nodes, view),
        quorums: this.quorums,
      },
    );
  }

  // §4.2: once prepared, a replica multicasts its Commit and adds the request to its P set.
  #checkPrepared(view: number, seq: number): void {
    if (view !== this.#view || this.#viewChanging) return;
    const key = slotKey(view, seq);
    if (this.#committedSent.has(key) || !this.#isPreparedAt(view, seq)) return;
    const pp = this.#prePrepares.get(key)!;
    this.#committedSent.add(key);
    const known = this.#prepared.get(seq);
    if (known === undefined || known.view <= view) {
      this.#prepared.set(seq, { seq, view, digest: pp.digest, request: pp.request });
    }
    const vote = { type: "Commit" as const, view, seq, digest: pp.digest };
    this.#onVote(this.#commits, this.id, vote);
    this.#broadcast(vote);
    this.#checkCommitted(view, seq);
  }

  #checkCommitted(view: number, seq: number): void {
    if (seq <= this.#lastExecuted || this.#committed.has(seq)) return;
    const vote = this.#prePrepareVote(view, seq);
    if (vote === null) return;
    const prepared = this.#committedSent.has(slotKey(view, seq));
    if (
      !this.#isCommittedLocal(
        prepared,
        vote,
        this.#commits.get(slotKey(view, seq)) ?? [],
        this.quorums,
      )
    ) {
      return;
    }
    const pp = this.#prePrepares.get(slotKey(view, seq))!;
    this.#committed.set(seq, pp);
    this.#executeReady();
  }

  // §4.2: requests execute in sequence-number order, each once, and the reply goes to the
  // client; every checkpointInterval executions a Checkpoint goes out (§4.3).
  #executeReady(): void {
    for (;;) {
      const seq = this.#lastExecuted + 1;
      const entry = this.#committed.get(seq);
      if (entry === undefined) return;
      this.#committed.delete(seq);
      this.#lastExecuted = seq;
      const request = entry.request;
      if (request !== null) {
        this.#pending.delete(entry.digest);
        const last = this.#state.replies[request.client];
        // A retransmitted request may have been ordered twice; it still executes once.
        if (last === undefined || last.timestamp < request.timestamp) {
          const result = execute(this.#state, request);
          this.#state.replies[request.client] = { timestamp: request.timestamp, result };
          this.#send(request.client, {
            type: "Reply",
            view: this.#view,
            timestamp: request.timestamp,
            result,
          });
        }
      }
      this.#ready.changes.push(["executed", { seq, digest: entry.digest }]);
      // Having executed, the replica waits afresh for the rest (§4.4: the timer restarts).
      if (this.#timerArmed) {
        this.#timerArmed = false;
        this.#ready.timer = null;
      }
      if (seq % this.#options.checkpointInterval === 0) {
        const state = copyState(this.#state);
        const msg = { type: "Checkpoint" as const, seq, stateDigest: stateDigest(state), state };
        this.#onCheckpoint(this.id, msg);
        this.#broadcast(msg);
      }
    }
  }

  // §4.3: 2f + 1 matching Checkpoints make a checkpoint stable: log entries at or below it
  // are discarded and the water marks move. A replica that has not executed that far takes
  // the certified state instead (the paper's state transfer, reduced to a copy).
  #onCheckpoint(from: NodeId, msg: Extract<PbftMessage, { type: "Checkpoint" }>): void {
    if (msg.seq <= this.#stableSeq) return;
    let votes = this.#checkpoints.get(msg.seq);
    if (!votes) this.#checkpoints.set(msg.seq, votes = new Map());
    votes.set(from, { digest: msg.stateDigest, state: msg.state });
    const matching = [...votes.values()].filter((v) => v.digest === msg.stateDigest).length;
    if (matching >= this.quorums.checkpoints) this.#makeStable(msg.seq, msg.state);
  }

  #makeStable(seq: number, state: PbftServiceState): void {
    if (seq <= this.#stableSeq) return;
    this.#stableSeq = seq;
    this.#stableState = copyState(state);
    if (this.#lastExecuted < seq) {
      this.#state = copyState(state);
      this.#lastExecuted = seq;
      this.#ready.changes.push(["state-transfer", { seq, digest: stateDigest(state) }]);
      for (const [digest, request] of this.#pending) {
        const last = this.#state.replies[request.client];
        if (last !== undefined && last.timestamp >= request.timestamp) this.#pending.delete(digest);
      }
    }
    const below = (key: string) => Number(key.split("|")[1]) <= seq;
    for (const map of [this.#prePrepares, this.#prepares, this.#commits]) {
      for (const key of [...map.keys()]) if (below(key)) map.delete(key);
    }
    for (const key of [...this.#committedSent]) if (below(key)) this.#committedSent.delete(key);
    for (const s of [...this.#prepared.keys()]) if (s <= seq) this.#prepared.delete(s);
    for (const s of [...this.#committed.keys()]) if (s <= seq) this.#committed.delete(s);
    for (const s of [...this.#checkpoints.keys()]) if (s <= seq) this.#checkpoints.delete(s);
    this.#nextSeq = Math.max(this.#nextSeq, seq);
    this.#ready.changes.push(["stable", seq]);
    this.#executeReady();
    if (this.#isPrimary() && !this.#viewChanging) this.#assignQueued();
  }

  // §4.4: the replica stops taking part in view v and asks for view v + 1, reporting its
  // stable checkpoint and its P set.
  #startViewChange(view: number): void {
    if (view <= this.#view) return;
    this.#view = view;
    this.#viewChanging = true;
    this.#queued = [];
    this.#ready.changes.push(["view", { view, changing: true }]);
    const prepared = [...this.#prepared.values()].filter((p) => p.seq > this.#stableSeq)
      .sort((a, b) => a.seq - b.seq);
    const msg = {
      type: "ViewChange" as const,
      view,
      stableSeq: this.#stableSeq,
      state: copyState(this.#stableState),
      prepared,
    };
    this.#broadcast(msg);
    this.#onViewChange(this.id, msg);
    this.#timerArmed = true;
    this.#ready.timer = this.#options.viewChangeTimeoutMs *
      2 ** Math.min(this.#failedViewChanges + 1, 6);
  }

  #onViewChange(from: NodeId, msg: Extract<PbftMessage, { type: "ViewChange" }>): void {
    if (msg.view < this.#view || (msg.view === this.#view && !this.#viewChanging)) return;
    let votes = this.#viewChanges.get(msg.view);
    if (!votes) this.#viewChanges.set(msg.view, votes = new Map());
    votes.set(from, { from, stableSeq: msg.stableSeq, prepared: msg.prepared, state: msg.state });
    // §4.5.2: f + 1 replicas asking for later views include a correct one, so join the
    // smallest of them rather than wait for one's own timer.
    if (from !== this.id) {
      const later = [...this.#viewChanges.entries()].filter(([v]) => v > this.#view);
      const askers = new Set(later.flatMap(([, m]) => [...m.keys()]));
      if (askers.size >= this.quorums.f + 1) {
        this.#startViewChange(Math.min(...later.map(([v]) => v)));
      }
    }
    this.#tryNewView();
  }

  // §4.4: the new primary, with 2f + 1 ViewChanges for its view, sends NewView and enters it.
  #tryNewView(): void {
    if (!this.#viewChanging || !this.#isPrimary()) return;
    const votes = this.#viewChanges.get(this.#view);
    if (votes === undefined || votes.size < this.quorums.viewChanges) return;
    const proofs = [...votes.values()].sort((a, b) => a.from.localeCompare(b.from));
    const viewChanges = proofs.map(({ from, stableSeq, prepared }) => ({
      from,
      stableSeq,
      prepared,
    }));
    const prePrepares = newViewEntries(viewChanges);
    const stable = proofs.reduce((a, b) => (b.stableSeq > a.stableSeq ? b : a));
    const msg = {
      type: "NewView" as const,
      view: this.#view,
      viewChanges,
      stableSeq: stable.stableSeq,
      state: stable.state,
      prePrepares,
    };
    this.#broadcast(msg);
    this.#enterView(msg);
  }

  #onNewView(from: NodeId, msg: Extract<PbftMessage, { type: "NewView" }>): void {
    if (msg.view < this.#view || (msg.view === this.#view && !this.#viewChanging)) return;
    if (from !== pbftPrimary(this.nodes, msg.view)) return;
    // The NewView must carry 2f + 1 ViewChanges from distinct replicas and O must follow from
    // them; otherwise the new primary is lying, and the replica waits for the next view.
    const senders = new Set(msg.viewChanges.map((v) => v.from));
    if (senders.size < this.quorums.viewChanges || senders.size !== msg.viewChanges.length) return;
    if (JSON.stringify(newViewEntries(msg.viewChanges)) !== JSON.stringify(msg.prePrepares)) return;
    this.#enterView(msg);
  }

  #enterView(msg: Extract<PbftMessage, { type: "NewView" }>): void {
    this.#view = msg.view;
    this.#viewChanging = false;
    this.#failedViewChanges = 0;
    this.#assigned = new Set();
    for (const v of [...this.#viewChanges.keys()]) if (v <= msg.view) this.#viewChanges.delete(v);
    this.#ready.changes.push(["view", { view: msg.view, changing: false }]);
    if (msg.stableSeq > this.#stableSeq) this.#makeStable(msg.stableSeq, msg.state);
    const primary = this.#isPrimary();
    this.#nextSeq = Math.max(this.#stableSeq, ...msg.prePrepares.map((e) => e.seq));
    for (const entry of msg.prePrepares) {
      if (!this.#inWindow(entry.seq)) continue;
      this.#prePrepares.set(slotKey(msg.view, entry.seq), {
        digest: entry.digest,
        request: entry.request,
      });
      if (primary) {
        this.#assigned.add(entry.digest);
        this.#checkPrepared(msg.view, entry.seq);
      } else {
        this.#prepare(msg.view, entry.seq, entry.digest);
      }
    }
    const early = this.#early;
    this.#early = early.filter((e) => e.msg.view > msg.view);
    for (const e of early) if (e.msg.view === msg.view) this.#onPrePrepare(e.from, e.msg);
    this.#timerArmed = false;
    this.#ready.timer = null;
    if (primary) {
      // Requests the new primary was waiting for that O does not cover get fresh numbers.
      for (const request of this.#pending.values()) {
        if (!this.#assigned.has(requestDigest(request))) this.#queued.push(request);
      }
      this.#pending.clear();
      this.#assignQueued();
    }
  }

  // §4.4: a backup waiting for a request keeps one timer running; it stops when nothing is
  // pending. During a view change the timer waits for the NewView instead.
  #updateTimer(): void {
    if (this.#viewChanging) return;
    if (this.#isPrimary()) {
      if (this.#timerArmed) {
        this.#timerArmed = false;
        this.#ready.timer = null;
      }
      return;
    }
    if (this.#pending.size > 0 && !this.#timerArmed) {
      this.#timerArmed = true;
      this.#ready.timer = this.#options.viewChangeTimeoutMs;
    } else if (this.#pending.size === 0 && this.#timerArmed) {
      this.#timerArmed = false;
      this.#ready.timer = null;
    }
  }
}
