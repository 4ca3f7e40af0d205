/**
 * Types shared by the kernel and every process that runs on it.
 *
 * @module
 */

import type { Random } from "./random.ts";

/** A node's name, e.g. `"n1"` or `"c3"` for a client. */
export type NodeId = string;

/** Every message is a plain object tagged with its type, named as in the literature. */
export interface Message {
  readonly type: string;
}

/** A client operation event, in the history format of DESIGN.md (Jepsen style). */
export interface OpEvent {
  process: number;
  type: "invoke" | "ok" | "fail" | "info";
  f: string;
  key?: string;
  value?: unknown;
}

/** Durable storage: survives crash/restart. Values are deep-copied in and out. */
export interface DurableStorage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  keys(): string[];
}

/**
 * What a process may do. This is the whole interface between a protocol and the world: the
 * same process code could run over a real transport.
 */
export interface Runtime<M extends Message = Message> {
  /** This node's id. */
  readonly id: NodeId;
  /** Current members other than this node (crashed members included), sorted. */
  peers(): NodeId[];
  /** This node's wall clock in ms: drifts and may jump, per the node's clock knobs. */
  now(): number;
  /** This node's monotonic clock in ms: drifts but never jumps. */
  monotonic(): number;
  /** Sends a message; the network decides if, when and how often it arrives. */
  send(to: NodeId, msg: M): void;
  /** Fires `onTimer(tag, data)` after `delayMs` of this node's (monotonic) clock. */
  setTimer(delayMs: number, tag: string, data?: unknown): number;
  /** Cancels a pending timer; unknown or fired ids are ignored. */
  cancelTimer(timerId: number): void;
  /** Storage that survives crashes. */
  readonly storage: DurableStorage;
  /** This node's own random stream. */
  readonly random: Random;
  /** Per-node configuration (fallacy 6: nodes may be configured differently). */
  readonly config: Readonly<Record<string, unknown>>;
  /** A free-text trace line. */
  log(text: string): void;
  /** A traced state change, e.g. `state("role", "leader")`; charts read these. */
  state(key: string, value: unknown): void;
  /** Records a client operation event for histories (linearizability checking). */
  recordOp(op: OpEvent): void;
  /**
   * The adversary running this node since a `byzantine` fault, or null while it is correct.
   * Optional so that hand-made runtimes (tests, labs) need not provide it.
   */
  adversary?(): Adversary<M> | null;
}

/**
 * What a Byzantine node does: `equivocate` (tells different peers different things),
 * `lie` (misreports its own state, e.g. its prepared set in a view change), `silent` (sends
 * nothing), `forge` (sends messages in other nodes' names).
 */
export type ByzantineBehaviour = "equivocate" | "lie" | "silent" | "forge";

/**
 * What an adversary that controls a Byzantine node may do beyond the node's own runtime: know
 * its chosen behaviour, and send messages in another node's name. Forged messages are marked
 * as such in flight, so receivers that authenticate (network option `authenticate`) drop them.
 */
export interface Adversary<M extends Message = Message> {
  /** The behaviour chosen by the `byzantine` fault. */
  readonly behaviour: ByzantineBehaviour;
  /** Sends `msg` to `to` claiming it comes from `claimedFrom`. */
  forge(claimedFrom: NodeId, to: NodeId, msg: M): void;
}

/** A protocol participant: a state machine driven by messages and timers. */
export interface Process<M extends Message = Message> {
  /** Called when the node starts or restarts (after a crash, volatile state is fresh). */
  onStart?(): void;
  /** Called for each delivered message. */
  onMessage(from: NodeId, msg: M): void;
  /** Called when a timer fires. */
  onTimer?(tag: string, data: unknown): void;
}

/**
 * Builds a fresh process (with fresh volatile state) for a node. `P` is the process's own
 * type, so `Simulation.processOf` can return it for inspection without a cast.
 */
export type ProcessFactory<M extends Message = Message, P extends Process<M> = Process<M>> = (
  runtime: Runtime<M>,
) => P;
