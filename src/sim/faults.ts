/**
 * Faults as data: a nemesis schedule in the style of Jepsen. Because a schedule is plain
 * JSON, property tests can generate it, shrink it, print it and replay it.
 *
 * {@linkcode applyFault} is where each fault takes effect: host faults (crash, restart, join,
 * leave, clocks, slowness) go to the simulation's hosts, link faults (partition, cut, heal,
 * network knobs, forgeries, storms) to its {@linkcode Network}, which enforces them.
 *
 * @module
 */

import type { NodeClock } from "./clock.ts";
import type { LinkOptions, Network } from "./network.ts";
import type { ByzantineBehaviour, Message, NodeId } from "./types.ts";

/** One fault, applied at true time `atMs`. */
export type Fault =
  /** The node stops: volatile state and timers are lost, durable storage is kept. */
  | { atMs: number; kind: "crash"; node: NodeId }
  /** A crashed node starts again from its durable storage. */
  | { atMs: number; kind: "restart"; node: NodeId }
  /** Nodes in different groups cannot reach each other; unlisted nodes form one more group. */
  | { atMs: number; kind: "partition"; groups: NodeId[][] }
  /** Messages from `from` to `to` are dropped (one direction only). */
  | { atMs: number; kind: "cut"; from: NodeId; to: NodeId }
  /** Every partition and cut is removed. */
  | { atMs: number; kind: "heal" }
  /** The node's wall clock steps by `deltaMs` (NTP step, operator error, VM migration). */
  | { atMs: number; kind: "clock-jump"; node: NodeId; deltaMs: number }
  /** The node's clock rate changes. */
  | { atMs: number; kind: "clock-drift"; node: NodeId; driftPpm: number }
  /** Each event at the node now takes `processingMs` (GC pause, noisy neighbour, old CPU). */
  | { atMs: number; kind: "slow"; node: NodeId; processingMs: number }
  /** Network-wide knobs change from now on (e.g. a loss burst). */
  | { atMs: number; kind: "network"; set: Partial<LinkOptions> }
  /** A dormant node joins the cluster (it starts and becomes everyone's peer). */
  | { atMs: number; kind: "join"; node: NodeId }
  /** A node leaves for good (removed from membership; messages to it are dropped). */
  | { atMs: number; kind: "leave"; node: NodeId }
  /** An attacker injects a message that claims to come from `from`. */
  | { atMs: number; kind: "forge"; from: NodeId; to: NodeId; msg: { type: string } }
  /** `count` copies of `msg` from `from` to `to`, a retry storm. */
  | { atMs: number; kind: "storm"; from: NodeId; to: NodeId; count: number; msg: { type: string } }
  /**
   * The node turns Byzantine (Lamport, Shostak and Pease 1982): an adversary now runs it with
   * `behaviour`. The kernel only records who is faulty and lends the adversary its one extra
   * power, forging (stopped when receivers authenticate, fallacy 4); what each behaviour means
   * for a protocol is the protocol's code, as a real attacker's would be.
   */
  | { atMs: number; kind: "byzantine"; node: NodeId; behaviour: ByzantineBehaviour };

/** The Byzantine behaviours, for validation and UIs. */
export const BYZANTINE_BEHAVIOURS: readonly ByzantineBehaviour[] = [
  "equivocate",
  "lie",
  "silent",
  "forge",
];

/** A fault without its time, for applying now (distributes over the union's members). */
export type FaultNow = Fault extends infer F ? F extends Fault ? Omit<F, "atMs"> : never : never;

/** The kinds of fault, for validation and UIs. */
export const FAULT_KINDS = [
  "crash",
  "restart",
  "partition",
  "cut",
  "heal",
  "clock-jump",
  "clock-drift",
  "slow",
  "network",
  "join",
  "leave",
  "forge",
  "storm",
  "byzantine",
] as const;

/** Renders a fault as one short line, e.g. `crash n2` or `partition n1,n2 | n3`. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "crash":
    case "restart":
    case "join":
    case "leave":
      return `${fault.kind} ${fault.node}`;
    case "partition":
      return `partition ${fault.groups.map((g) => g.join(",")).join(" | ")}`;
    case "cut":
      return `cut ${fault.from}->${fault.to}`;
    case "heal":
      return "heal";
    case "clock-jump":
      return `clock-jump ${fault.node} ${fault.deltaMs >= 0 ? "+" : ""}${fault.deltaMs}ms`;
    case "clock-drift":
      return `clock-drift ${fault.node} ${fault.driftPpm}ppm`;
    case "slow":
      return `slow ${fault.node} ${fault.processingMs}ms/event`;
    case "network":
      return `network ${JSON.stringify(fault.set)}`;
    case "forge":
      return `forge ${fault.from}->${fault.to} ${fault.msg.type}`;
    case "storm":
      return `storm ${fault.from}->${fault.to} ${fault.count}x ${fault.msg.type}`;
    case "byzantine":
      return `byzantine ${fault.node} ${fault.behaviour}`;
    default:
      return unknownFault(fault);
  }
}

function unknownFault(fault: never): never {
  throw new RangeError(`Unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}`);
}

/** What a fault acts on: a simulation's hosts and its network. */
export interface FaultTarget {
  /** The link model that enforces partitions, cuts and network knobs. */
  readonly network: Network<Message>;
  /** Current true time in ms. */
  now(): number;
  /** Stops a running node (volatile state and timers lost); no-op when it is down. */
  crash(node: NodeId): void;
  /** Starts a crashed member again from its durable storage; no-op when up or gone. */
  restart(node: NodeId): void;
  /** A dormant node joins and starts; no-op for a member. */
  join(node: NodeId): void;
  /** A node leaves for good. */
  leave(node: NodeId): void;
  /** The node's physical clock. */
  clockOf(node: NodeId): NodeClock;
  /** Sets the time each event occupies the node. */
  setProcessingMs(node: NodeId, processingMs: number): void;
  /** Hands the node to an adversary with this behaviour (see `Runtime.adversary`). */
  setByzantine(node: NodeId, behaviour: ByzantineBehaviour): void;
}

/**
 * Applies one (validated) fault now. The switch is exhaustive: a new fault kind does not
 * compile until it is given an effect here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "./simulation.ts";
 * const sim = new Simulation({ seed: 1 }).addNode("n1", () => ({ onMessage() {} }));
 * sim.run({ untilMs: 1 });
 * sim.apply({ kind: "crash", node: "n1" }); // Simulation.apply calls applyFault
 * assert.equal(sim.isUp("n1"), false);
 * ```
 */
export function applyFault(fault: Fault, target: FaultTarget): void {
  switch (fault.kind) {
    case "crash":
      return target.crash(fault.node);
    case "restart":
      return target.restart(fault.node);
    case "join":
      return target.join(fault.node);
    case "leave":
      return target.leave(fault.node);
    case "clock-jump":
      return target.clockOf(fault.node).jump(target.now(), fault.deltaMs);
    case "clock-drift":
      return target.clockOf(fault.node).setDrift(target.now(), fault.driftPpm);
    case "slow":
      return target.setProcessingMs(fault.node, fault.processingMs);
    case "partition":
      return target.network.partition(fault.groups);
    case "cut":
      return target.network.cut(fault.from, fault.to);
    case "heal":
      return target.network.heal();
    case "network":
      return target.network.reconfigure(fault.set);
    case "forge":
      // A forged message is indistinguishable from a real one unless receivers authenticate.
      return target.network.forge(fault.from, fault.to, fault.msg);
    case "storm":
      for (let i = 0; i < fault.count; i++) {
        target.network.send(fault.from, fault.to, fault.msg, target.now());
      }
      return;
    case "byzantine":
      return target.setByzantine(fault.node, fault.behaviour);
    default:
      return unknownFault(fault);
  }
}

/** The nodes a fault names; none for network-wide faults. */
function nodesNamedBy(fault: Fault): readonly NodeId[] {
  switch (fault.kind) {
    case "crash":
    case "restart":
    case "join":
    case "leave":
    case "clock-jump":
    case "clock-drift":
    case "slow":
    case "byzantine":
      return [fault.node];
    case "partition":
      return fault.groups.flat();
    case "cut":
    case "forge":
    case "storm":
      return [fault.from, fault.to];
    case "heal":
    case "network":
      return [];
    default:
      return unknownFault(fault);
  }
}

/** Throws a RangeError naming what is wrong with a fault, given the known nodes. */
export function validateFault(fault: Fault, nodes: ReadonlySet<NodeId>): void {
  const where = `Fault ${JSON.stringify(fault)}`;
  if (typeof fault !== "object" || fault === null) throw new RangeError(`${where}: not an object`);
  if (!(FAULT_KINDS as readonly string[]).includes(fault.kind)) {
    throw new RangeError(`${where}: kind must be one of ${FAULT_KINDS.join(", ")}`);
  }
  if (!(Number.isFinite(fault.atMs) && fault.atMs >= 0)) {
    throw new RangeError(`${where}: atMs must be a number >= 0`);
  }
  const known = (node: NodeId) => {
    if (!nodes.has(node)) {
      throw new RangeError(`${where}: unknown node "${node}" (known: ${[...nodes].join(", ")})`);
    }
  };
  if (fault.kind === "partition" && !Array.isArray(fault.groups)) {
    throw new RangeError(`${where}: groups must be arrays`);
  }
  for (const node of nodesNamedBy(fault)) known(node);
  if (fault.kind === "storm" && !(Number.isInteger(fault.count) && fault.count >= 1)) {
    throw new RangeError(`${where}: count must be an integer >= 1`);
  }
  if (fault.kind === "byzantine" && !BYZANTINE_BEHAVIOURS.includes(fault.behaviour)) {
    throw new RangeError(
      `${where}: behaviour must be one of ${BYZANTINE_BEHAVIOURS.join(", ")}`,
    );
  }
  if (fault.kind === "slow" && !(fault.processingMs >= 0)) {
    throw new RangeError(`${where}: processingMs must be >= 0`);
  }
}
