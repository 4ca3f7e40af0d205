/**
 * A Raft server as a pure state machine, in the style of etcd-io/raft: one entry point for
 * messages ({@linkcode RaftNode.step}), one per timer, and output pulled as data
 * ({@linkcode RaftNode.ready}): messages to send, state to persist, entries to apply, timers to
 * (re)arm and state changes to trace. The caller carries them out, persisting before sending.
 *
 * Source: Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm",
 * Figure 2 and §5.1–§5.4; fast backup from §5.3. Guarantees (variant `"correct"`): Election
 * Safety, Log Matching, Leader Completeness and State Machine Safety (§5.4.3) under crashes,
 * restarts, partitions, loss, duplication and reordering.
 * Extensions from Ongaro's dissertation: pre-vote (§9.6) and leadership transfer (§3.10).
 * Non-goals: membership changes (§6), log compaction (§7).
 *
 * @module
 */

import type { NodeId } from "../../sim/mod.ts";
import type {
  AppendEntries,
  AppendEntriesResponse,
  HardState,
  LogEntry,
  PreVote,
  PreVoteResponse,
  RaftMessage,
  RaftRole,
  RaftVariant,
  RequestVote,
  RequestVoteResponse,
  TimeoutNow,
} from "./types.ts";
import { RAFT_VARIANTS } from "./types.ts";
import type {
  AppendRule,
  CommitRule,
  RaftRules,
  TermChangeRule,
  VoteAnswerTermRule,
  VoteRule,
} from "./rules.ts";
import {
  correctAppendRule,
  correctCommitRule,
  correctTermChangeRule,
  correctVoteAnswerTermRule,
  correctVoteRule,
  countReplicasCommitRule,
  logUpToDate,
  staleTermChangeRule,
  staleVoteAnswerTermRule,
  staleVoteRule,
  uncheckedAppendRule,
} from "./rules.ts";

/** Options of a {@linkcode RaftNode}. */
export interface RaftNodeOptions<C = unknown> {
  /** This server's id. */
  id: NodeId;
  /** Every other server of the cluster. */
  peers: readonly NodeId[];
  /** A uniform random number in [0, 1): randomizes election timeouts (§5.2). */
  random: () => number;
  /** Lower bound of the election timeout. @default 150 */
  electionTimeoutMinMs?: number;
  /** Upper bound of the election timeout. @default 300 */
  electionTimeoutMaxMs?: number;
  /** Interval between leader heartbeats. @default electionTimeoutMinMs / 2 */
  heartbeatMs?: number;
  /** Most entries one AppendEntries carries. @default 64 */
  maxEntriesPerMessage?: number;
  /** Which implementation to run. @default "correct" */
  variant?: RaftVariant;
  /**
   * Ask for a pre-vote before standing (dissertation §9.6), so a server cut off from the
   * leader does not inflate terms and depose a healthy leader when it comes back. @default false
   */
  preVote?: boolean;
  /** Durable state recovered after a restart. @default {currentTerm: 0, votedFor: null} */
  hardState?: HardState;
  /** Durable log recovered after a restart (index 1 first). @default [] */
  log?: readonly LogEntry<C>[];
  /**
   * Replacement decision rules (the labs plug learners' code in here); a rule given here wins
   * over the variant's. @default the variant's rules
   */
  rules?: RaftRules;
}

/** A message for the caller to send. */
export interface Outgoing<C = unknown> {
  to: NodeId;
  msg: RaftMessage<C>;
}

/**
 * What the caller must do after a call into the node, in this order: persist `hardState` and
 * `logWrite`, then send `messages`, apply `committed`, arm `timers`, trace `changes`.
 */
export interface Ready<C = unknown> {
  messages: Outgoing<C>[];
  /** Term and vote to write to stable storage, or null when unchanged. */
  hardState: HardState | null;
  /**
   * Log suffix to write: entries from `fromIndex` on, after which the log ends at
   * `lastIndex` (anything beyond was truncated). Null when the log is unchanged.
   */
  logWrite: { fromIndex: number; entries: LogEntry<C>[]; lastIndex: number } | null;
  /** Newly committed entries to apply to the state machine, in index order. */
  committed: { index: number; entry: LogEntry<C> }[];
  /** Timer requests: a delay in ms arms (or re-arms) the timer, null stops it. */
  timers: { election?: number | null; heartbeat?: number | null };
  /** State changes for the trace: role, term, leader, commitIndex. */
  changes: [key: string, value: unknown][];
}

function emptyReady<C>(): Ready<C> {
  return { messages: [], hardState: null, logWrite: null, committed: [], timers: {}, changes: [] };
}

/**
 * One Raft server.
 *
 * @example
 * ```ts
 * import { RaftNode } from "./node.ts";
 * const node = new RaftNode({ id: "n1", peers: ["n2", "n3"], random: () => 0.5 });
 * node.start();
 * node.electionTimeout(); // no leader heard from: stand for election (§5.2)
 * const ready = node.ready();
 * if (node.role !== "candidate" || ready.messages.length !== 2) throw new Error("RequestVote x2");
 * ```
 */
export class RaftNode<C = unknown> {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly variant: RaftVariant;
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly heartbeatMs: number;
  readonly maxEntriesPerMessage: number;
  readonly preVote: boolean;

  #random: () => number;
  #voteRule: VoteRule;
  #termChangeRule: TermChangeRule;
  #voteAnswerTermRule: VoteAnswerTermRule;
  #appendRule: AppendRule;
  #commitRule: CommitRule;
  /** Built-in correct rules assert more (e.g. never truncating committed entries). */
  #strict: boolean;
  #role: RaftRole = "follower";
  #currentTerm: number;
  #votedFor: NodeId | null;
  /** Entry `i` of the paper (1-based) is `#log[i - 1]`. */
  #log: LogEntry<C>[];
  /** The terms of `#log`, kept while the log only grows (a leader's), rebuilt after a cut. */
  #terms: number[] | null = null;
  #commitIndex = 0;
  #lastApplied = 0;
  #leaderId: NodeId | null = null;
  #votes = new Set<NodeId>();
  #nextIndex = new Map<NodeId, number>();
  #matchIndex = new Map<NodeId, number>();
  #ready: Ready<C> = emptyReady();
  /** The server leadership is being handed to, and heartbeats left before giving up. */
  #transfer: { target: NodeId; heartbeatsLeft: number } | null = null;
  #dirtyFrom = Infinity;
  #hardDirty = false;

  constructor(options: RaftNodeOptions<C>) {
    const min = options.electionTimeoutMinMs ?? 150;
    const max = options.electionTimeoutMaxMs ?? 300;
    if (!(min > 0 && Number.isFinite(min))) {
      throw new RangeError(`RaftNode option electionTimeoutMinMs must be > 0, got ${min}`);
    }
    if (!(max >= min && Number.isFinite(max))) {
      throw new RangeError(
        `RaftNode option electionTimeoutMaxMs must be >= electionTimeoutMinMs (${min}), got ${max}`,
      );
    }
    const heartbeatMs = options.heartbeatMs ?? min / 2;
    if (!(heartbeatMs > 0 && heartbeatMs < min)) {
      throw new RangeError(
        `RaftNode option heartbeatMs must be in (0, electionTimeoutMinMs=${min}), got ${heartbeatMs}`,
      );
    }
    const variant = options.variant ?? "correct";
    if (!RAFT_VARIANTS.includes(variant)) {
      throw new RangeError(
        `RaftNode option variant must be one of ${RAFT_VARIANTS.join(", ")}, got ${variant}`,
      );
    }
    const maxEntries = options.maxEntriesPerMessage ?? 64;
    if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) {
      throw new RangeError(
        `RaftNode option maxEntriesPerMessage must be an integer >= 1, got ${maxEntries}`,
      );
    }
    if (options.peers.includes(options.id)) {
      throw new RangeError(`RaftNode peers must not include the node itself (${options.id})`);
    }
    this.id = options.id;
    this.peers = [...options.peers];
    this.variant = variant;
    this.electionTimeoutMinMs = min;
    this.electionTimeoutMaxMs = max;
    this.heartbeatMs = heartbeatMs;
    this.maxEntriesPerMessage = maxEntries;
    this.preVote = options.preVote ?? false;
    this.#random = options.random;
    // The variant name only picks rules; the node itself never tests it.
    const staleVote = variant === "stale-vote";
    this.#voteRule = options.rules?.requestVote ?? (staleVote ? staleVoteRule : correctVoteRule);
    this.#termChangeRule = options.rules?.termChange ??
      (staleVote ? staleTermChangeRule : correctTermChangeRule);
    this.#voteAnswerTermRule = options.rules?.voteAnswerTerm ??
      (staleVote ? staleVoteAnswerTermRule : correctVoteAnswerTermRule);
    this.#appendRule = options.rules?.appendEntries ??
      (variant === "no-prev-log-check" ? uncheckedAppendRule : correctAppendRule);
    this.#commitRule = options.rules?.commit ??
      (variant === "commit-old-term" ? countReplicasCommitRule : correctCommitRule);
    this.#strict = variant === "correct" && options.rules === undefined;
    this.#currentTerm = options.hardState?.currentTerm ?? 0;
    this.#votedFor = options.hardState?.votedFor ?? null;
    this.#log = [...(options.log ?? [])];
  }

  /** Current role (§5.1). */
  get role(): RaftRole {
    return this.#role;
  }
  /** Latest term this server has seen (persistent). */
  get term(): number {
    return this.#currentTerm;
  }
  /** Candidate that received this server's vote (persistent). */
  get votedFor(): NodeId | null {
    return this.#votedFor;
  }
  /** The leader this server currently follows, if known. */
  get leaderId(): NodeId | null {
    return this.#leaderId;
  }
  /** Highest log index known to be committed (volatile). */
  get commitIndex(): number {
    return this.#commitIndex;
  }
  /** Highest log index handed to the state machine (volatile). */
  get lastApplied(): number {
    return this.#lastApplied;
  }
  /** Index of the last log entry (0 when empty). */
  get lastIndex(): number {
    return this.#log.length;
  }
  /** A copy of the log, index 1 first. */
  entries(): LogEntry<C>[] {
    return this.#log.slice();
  }
  /** The term of the entry at `index` (0 for index 0), or undefined past the end. */
  termAt(index: number): number | undefined {
    return index === 0 ? 0 : this.#log[index - 1]?.term;
  }
  /** The leader's view of a follower's replication (undefined when not leader). */
  progress(peer: NodeId): { nextIndex: number; matchIndex: number } | undefined {
    if (this.#role !== "leader") return undefined;
    return { nextIndex: this.#nextIndex.get(peer)!, matchIndex: this.#matchIndex.get(peer)! };
  }

  /** Boots the server as a follower (§5.2: "When servers start up, they begin as followers"). */
  start(): void {
    this.#change("term", this.#currentTerm);
    this.#change("role", "follower");
    this.#resetElectionTimer();
  }

  /** Drains the pending output. Call after every entry point. */
  ready(): Ready<C> {
    const out = this.#ready;
    if (this.#hardDirty) {
      out.hardState = { currentTerm: this.#currentTerm, votedFor: this.#votedFor };
    }
    if (this.#dirtyFrom !== Infinity) {
      const from = Math.min(this.#dirtyFrom, this.lastIndex + 1);
      out.logWrite = {
        fromIndex: from,
        entries: this.#log.slice(from - 1),
        lastIndex: this.lastIndex,
      };
    }
    this.#ready = emptyReady();
    this.#hardDirty = false;
    this.#dirtyFrom = Infinity;
    return out;
  }

  /** Handles one message; the exhaustive switch is the whole protocol surface. */
  step(from: NodeId, msg: RaftMessage<C>): void {
    switch (msg.type) {
      case "RequestVote":
        return this.#handleRequestVote(from, msg);
      case "RequestVoteResponse":
        return this.#handleRequestVoteResponse(from, msg);
      case "AppendEntries":
        return this.#handleAppendEntries(from, msg);
      case "AppendEntriesResponse":
        return this.#handleAppendEntriesResponse(from, msg);
      case "PreVote":
        return this.#handlePreVote(from, msg);
      case "PreVoteResponse":
        return this.#handlePreVoteResponse(from, msg);
      case "TimeoutNow":
        return this.#handleTimeoutNow(msg);
      default: {
        const never: never = msg;
        throw new TypeError(`RaftNode cannot handle message ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The election timer fired: a follower or candidate that heard from no leader stands for
   * election (§5.2). Leaders do not run the timer.
   */
  electionTimeout(): void {
    if (this.#role === "leader") return;
    if (this.preVote) this.#becomePreCandidate();
    else this.#becomeCandidate();
  }

  /** The heartbeat timer fired: the leader sends AppendEntries to everyone (§5.2). */
  heartbeatTimeout(): void {
    if (this.#role !== "leader") return;
    // A transfer that has not finished within about an election timeout is abandoned.
    if (this.#transfer !== null && --this.#transfer.heartbeatsLeft < 0) this.#transfer = null;
    this.#broadcastAppendEntries();
    this.#ready.timers.heartbeat = this.heartbeatMs;
  }

  /**
   * Appends a client command to the leader's log and starts replicating it (§5.3).
   *
   * @returns The entry's index and term, or null when this server is not the leader.
   */
  propose(command: C): { index: number; term: number } | null {
    // During a transfer the log must stop growing, or the target could never catch up.
    if (this.#role !== "leader" || this.#transfer !== null) return null;
    this.#log.push({ term: this.#currentTerm, command });
    this.#terms?.push(this.#currentTerm);
    this.#markLogDirty(this.lastIndex);
    this.#matchIndex.set(this.id, this.lastIndex);
    // A single-server cluster commits on its own.
    this.#maybeAdvanceCommit();
    this.#broadcastAppendEntries();
    return { index: this.lastIndex, term: this.#currentTerm };
  }

  /**
   * Hands leadership to `target` (dissertation §3.10): stop taking new commands, bring the
   * target's log up to date, then send it TimeoutNow so it stands at once and wins.
   *
   * @returns false when this server is not the leader or `target` is not a peer.
   */
  transferLeadership(target: NodeId): boolean {
    if (this.#role !== "leader" || !this.peers.includes(target)) return false;
    this.#transfer = {
      target,
      heartbeatsLeft: Math.ceil(this.electionTimeoutMinMs / this.heartbeatMs),
    };
    if (this.#matchIndex.get(target) === this.lastIndex) this.#sendTimeoutNow();
    else this.#sendAppendEntries(target);
    return true;
  }

  #sendTimeoutNow(): void {
    const target = this.#transfer!.target;
    this.#transfer = null;
    this.#send(target, { type: "TimeoutNow", term: this.#currentTerm });
  }

  /** §3.10: a current-term TimeoutNow skips the election timeout (and the pre-vote). */
  #handleTimeoutNow(msg: TimeoutNow): void {
    if (msg.term !== this.#currentTerm || this.#role === "leader") return;
    this.#becomeCandidate();
  }

  // --- role changes (§5.1, Figure 4) --------------------------------------------------------

  /** Steps down (or stays) as follower in `term`; a newer term forgets the vote (Figure 2). */
  #becomeFollower(term: number, leaderId: NodeId | null): void {
    if (term < this.#currentTerm) {
      throw new Error(
        `Cannot become follower: term ${term} is below currentTerm ${this.#currentTerm}`,
      );
    }
    if (term > this.#currentTerm) {
      this.#currentTerm = term;
      // Figure 2: votedFor belongs to a term (the rule decides; the seed's keeps it).
      this.#votedFor = this.#termChangeRule({
        self: this.id,
        votedFor: this.#votedFor,
        becoming: "follower",
      });
      this.#hardDirty = true;
      this.#change("term", term);
    }
    const wasLeader = this.#role === "leader";
    this.#transfer = null;
    if (this.#role !== "follower") {
      this.#role = "follower";
      this.#change("role", "follower");
    }
    if (wasLeader) {
      // A deposed leader stops heartbeating and needs an election timer again.
      this.#ready.timers.heartbeat = null;
      this.#resetElectionTimer();
    }
    this.#setLeader(leaderId);
  }

  /** Starts an election: new term, vote for self, ask everyone (§5.2). */
  #becomeCandidate(): void {
    if (this.#role === "leader") throw new Error("Cannot become candidate: already leader");
    this.#currentTerm++;
    // §5.2: the candidate votes for itself; the rule decides whether that vote is recorded.
    this.#votedFor = this.#termChangeRule({
      self: this.id,
      votedFor: this.#votedFor,
      becoming: "candidate",
    });
    this.#hardDirty = true;
    this.#role = "candidate";
    this.#votes = new Set([this.id]);
    this.#setLeader(null);
    this.#change("term", this.#currentTerm);
    this.#change("role", "candidate");
    this.#resetElectionTimer();
    const request: RequestVote = {
      type: "RequestVote",
      term: this.#currentTerm,
      candidateId: this.id,
      lastLogIndex: this.lastIndex,
      lastLogTerm: this.#term(this.lastIndex),
    };
    for (const peer of this.peers) this.#send(peer, request);
    if (this.#hasQuorum(this.#votes.size)) this.#becomeLeader();
  }

  /**
   * Asks for pre-votes in term + 1 without changing term or vote (dissertation §9.6); a
   * pre-vote that times out is simply asked again, so a cut-off server never inflates its term.
   */
  #becomePreCandidate(): void {
    if (this.#role === "leader") throw new Error("Cannot become pre-candidate: already leader");
    this.#role = "pre-candidate";
    this.#votes = new Set([this.id]);
    this.#setLeader(null);
    this.#change("role", "pre-candidate");
    this.#resetElectionTimer();
    const request: PreVote = {
      type: "PreVote",
      term: this.#currentTerm + 1,
      candidateId: this.id,
      lastLogIndex: this.lastIndex,
      lastLogTerm: this.#term(this.lastIndex),
    };
    for (const peer of this.peers) this.#send(peer, request);
    if (this.#hasQuorum(this.#votes.size)) this.#becomeCandidate();
  }

  /** Wins the election: reinitialize nextIndex/matchIndex and assert authority (§5.2, §5.3). */
  #becomeLeader(): void {
    if (this.#role !== "candidate") {
      throw new Error(`Cannot become leader from ${this.#role}: only a candidate can win`);
    }
    this.#role = "leader";
    this.#setLeader(this.id);
    this.#change("role", "leader");
    // The leader's log at election, for the Leader Completeness monitor.
    this.#change("leaderLog", this.#log.map((e) => e.term));
    for (const peer of this.peers) {
      this.#nextIndex.set(peer, this.lastIndex + 1);
      this.#matchIndex.set(peer, 0);
    }
    this.#matchIndex.set(this.id, this.lastIndex);
    this.#ready.timers.election = null;
    this.#broadcastAppendEntries();
    this.#ready.timers.heartbeat = this.heartbeatMs;
  }

  // --- elections (§5.2, §5.4.1) --------------------------------------------------------------

  #handleRequestVote(from: NodeId, msg: RequestVote): void {
    const decision = this.#voteRule({
      currentTerm: this.#currentTerm,
      votedFor: this.#votedFor,
      lastLogIndex: this.lastIndex,
      lastLogTerm: this.#term(this.lastIndex),
    }, msg);
    if (decision.currentTerm < this.#currentTerm) {
      throw new Error(
        `Vote rule lowered currentTerm from ${this.#currentTerm} to ${decision.currentTerm}`,
      );
    }
    // Figure 2, "Rules for all servers": a higher term makes us a follower of that term.
    if (decision.currentTerm > this.#currentTerm) this.#becomeFollower(decision.currentTerm, null);
    if (decision.votedFor !== this.#votedFor) {
      this.#votedFor = decision.votedFor;
      this.#hardDirty = true;
    }
    // Figure 2: granting a vote resets the election timer.
    if (decision.voteGranted) this.#resetElectionTimer();
    const term = this.#voteAnswerTermRule(
      { currentTerm: this.#currentTerm },
      msg,
      decision.voteGranted,
    );
    this.#send(from, { type: "RequestVoteResponse", term, voteGranted: decision.voteGranted });
  }

  /**
   * Grants a pre-vote to a candidate that could win: a newer term, an up-to-date log, and no
   * leader heard from since our last election timeout (dissertation §9.6). Changes nothing.
   */
  #handlePreVote(from: NodeId, msg: PreVote): void {
    const hasLeader = this.#leaderId !== null && this.#role !== "pre-candidate";
    const upToDate = logUpToDate(msg, {
      lastLogTerm: this.#term(this.lastIndex),
      lastLogIndex: this.lastIndex,
    });
    const voteGranted = msg.term > this.#currentTerm && upToDate && !hasLeader;
    const term = voteGranted ? msg.term : this.#currentTerm;
    this.#send(from, { type: "PreVoteResponse", term, voteGranted });
  }

  #handlePreVoteResponse(from: NodeId, msg: PreVoteResponse): void {
    if (this.#role !== "pre-candidate") return;
    if (!msg.voteGranted) {
      if (msg.term > this.#currentTerm) this.#becomeFollower(msg.term, null);
      return;
    }
    if (msg.term !== this.#currentTerm + 1) return;
    this.#votes.add(from);
    if (this.#hasQuorum(this.#votes.size)) this.#becomeCandidate();
  }

  #handleRequestVoteResponse(from: NodeId, msg: RequestVoteResponse): void {
    if (msg.term > this.#currentTerm) return this.#becomeFollower(msg.term, null);
    // Votes from an earlier election of ours, or arriving after we won or lost, are ignored.
    if (this.#role !== "candidate" || msg.term !== this.#currentTerm || !msg.voteGranted) return;
    this.#votes.add(from);
    if (this.#hasQuorum(this.#votes.size)) this.#becomeLeader();
  }

  // --- log replication (§5.3) ----------------------------------------------------------------

  #handleAppendEntries(from: NodeId, msg: AppendEntries<C>): void {
    const reject = (conflictTerm: number, conflictIndex: number) =>
      this.#send(from, {
        type: "AppendEntriesResponse",
        term: this.#currentTerm,
        success: false,
        matchIndex: 0,
        conflictTerm,
        conflictIndex,
      });
    // Figure 2, AppendEntries rule 1: reply false if term < currentTerm.
    if (msg.term < this.#currentTerm) return reject(0, 0);
    // §5.2: a candidate that hears from a leader of its term (or newer) steps down.
    if (msg.term > this.#currentTerm || this.#role !== "follower") {
      if (this.#role === "leader" && msg.term === this.#currentTerm && this.#strict) {
        throw new Error(
          `Election Safety violated: ${this.id} and ${msg.leaderId} both lead term ${msg.term}`,
        );
      }
      this.#becomeFollower(msg.term, msg.leaderId);
    }
    this.#setLeader(msg.leaderId);
    this.#resetElectionTimer();

    const old = this.#log;
    const decision = this.#appendRule({ log: old, commitIndex: this.#commitIndex }, msg);
    if (decision.success && decision.log !== old) {
      // Find where the new log departs from the old one: that suffix must be persisted.
      let first = 1;
      const next = decision.log;
      while (first <= next.length && first <= old.length && old[first - 1] === next[first - 1]) {
        first++;
      }
      if (first <= next.length || next.length < old.length) {
        if (this.#strict && first <= this.#commitIndex) {
          throw new Error(
            `Cannot truncate log at index ${first}: it is below commitIndex ${this.#commitIndex}`,
          );
        }
        // A private copy: the rule's array may share structure with a message.
        this.#log = next.slice();
        this.#terms = null;
        this.#markLogDirty(first);
      }
    }
    if (decision.success) {
      // Rule 5 (commitIndex = min(leaderCommit, index of last new entry)) is the rule's job.
      this.#advanceCommit(Math.min(decision.commitIndex, this.lastIndex));
    }
    this.#send(from, {
      type: "AppendEntriesResponse",
      term: this.#currentTerm,
      success: decision.success,
      matchIndex: decision.matchIndex,
      conflictTerm: decision.conflictTerm,
      conflictIndex: decision.conflictIndex,
    });
  }

  #handleAppendEntriesResponse(from: NodeId, msg: AppendEntriesResponse): void {
    if (msg.term > this.#currentTerm) return this.#becomeFollower(msg.term, null);
    if (this.#role !== "leader" || msg.term !== this.#currentTerm) return;
    const next = this.#nextIndex.get(from)!;
    const match = this.#matchIndex.get(from)!;
    if (msg.success) {
      // Responses may arrive reordered: progress only moves forward.
      this.#nextIndex.set(from, Math.max(next, msg.matchIndex + 1));
      // Responses may arrive reordered or duplicated: only progress can commit anything.
      if (msg.matchIndex > match) {
        this.#matchIndex.set(from, msg.matchIndex);
        this.#maybeAdvanceCommit();
      }
      if (this.#transfer?.target === from && this.#matchIndex.get(from) === this.lastIndex) {
        return this.#sendTimeoutNow();
      }
      if (this.#nextIndex.get(from)! <= this.lastIndex) this.#sendAppendEntries(from);
      return;
    }
    // Fast backup: skip the follower's whole conflicting term, or to the end of its log.
    let target = msg.conflictIndex;
    if (msg.conflictTerm > 0) {
      let last = 0;
      for (let i = Math.min(this.lastIndex, next - 1); i > 0; i--) {
        if (this.#term(i) === msg.conflictTerm) {
          last = i;
          break;
        }
        if (this.#term(i) < msg.conflictTerm) break;
      }
      if (last > 0) target = last + 1;
    }
    target = Math.max(match + 1, Math.min(target, this.lastIndex + 1));
    if (target >= next && msg.conflictIndex !== 0) return; // a stale rejection
    this.#nextIndex.set(from, Math.max(1, target));
    this.#sendAppendEntries(from);
  }

  /**
   * §5.4.2 and Figure 8: the leader only counts replicas for entries of its current term;
   * earlier entries commit indirectly with them. `"commit-old-term"` skips the term test.
   */
  #maybeAdvanceCommit(): void {
    const n = this.#commitRule({
      currentTerm: this.#currentTerm,
      logTerms: this.#terms ??= this.#log.map((e) => e.term),
      matchIndexes: [...this.#matchIndex.values()],
      commitIndex: this.#commitIndex,
    });
    if (n > this.lastIndex) {
      throw new Error(`Commit rule returned ${n}, past the last log index ${this.lastIndex}`);
    }
    this.#advanceCommit(n);
  }

  #advanceCommit(index: number): void {
    if (index <= this.#commitIndex) return;
    this.#commitIndex = index;
    this.#change("commitIndex", index);
    // Figure 2: apply everything up to commitIndex, in order.
    while (this.#lastApplied < this.#commitIndex) {
      this.#lastApplied++;
      this.#ready.committed.push({
        index: this.#lastApplied,
        entry: this.#log[this.#lastApplied - 1],
      });
    }
  }

  #broadcastAppendEntries(): void {
    for (const peer of this.peers) this.#sendAppendEntries(peer);
  }

  #sendAppendEntries(peer: NodeId): void {
    const next = this.#nextIndex.get(peer)!;
    const prevLogIndex = next - 1;
    this.#send(peer, {
      type: "AppendEntries",
      term: this.#currentTerm,
      leaderId: this.id,
      prevLogIndex,
      prevLogTerm: this.#term(prevLogIndex),
      entries: this.#log.slice(next - 1, next - 1 + this.maxEntriesPerMessage),
      leaderCommit: this.#commitIndex,
    });
  }

  // --- helpers -------------------------------------------------------------------------------

  #term(index: number): number {
    return index === 0 ? 0 : this.#log[index - 1].term;
  }

  #hasQuorum(count: number): boolean {
    return count * 2 > this.peers.length + 1;
  }

  #send(to: NodeId, msg: RaftMessage<C>): void {
    this.#ready.messages.push({ to, msg });
  }

  #change(key: string, value: unknown): void {
    this.#ready.changes.push([key, value]);
  }

  #setLeader(leaderId: NodeId | null): void {
    if (leaderId === this.#leaderId) return;
    this.#leaderId = leaderId;
    this.#change("leader", leaderId);
  }

  #markLogDirty(index: number): void {
    this.#dirtyFrom = Math.min(this.#dirtyFrom, index);
  }

  /** §5.2: a fresh timeout drawn uniformly from [min, max] each time, to break split votes. */
  #resetElectionTimer(): void {
    const span = this.electionTimeoutMaxMs - this.electionTimeoutMinMs;
    this.#ready.timers.election = this.electionTimeoutMinMs + this.#random() * span;
  }
}
