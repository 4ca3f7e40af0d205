/**
 * Faults as data: a nemesis schedule in the style of Jepsen. Because a schedule is plain
 * JSON, property tests can generate it, shrink it, print it and replay it.
 *
 * @module
 */

import type { NodeId } from "./types.ts";
import type { LinkOptions } from "./network.ts";

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
  | { atMs: number; kind: "storm"; from: NodeId; to: NodeId; count: number; msg: { type: string } };

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
  switch (fault.kind) {
    case "crash":
    case "restart":
    case "join":
    case "leave":
    case "clock-jump":
    case "clock-drift":
    case "slow":
      known(fault.node);
      break;
    case "partition":
      if (!Array.isArray(fault.groups)) throw new RangeError(`${where}: groups must be arrays`);
      fault.groups.forEach((g) => g.forEach(known));
      break;
    case "cut":
    case "forge":
    case "storm":
      known(fault.from);
      known(fault.to);
      break;
  }
  if (fault.kind === "storm" && !(Number.isInteger(fault.count) && fault.count >= 1)) {
    throw new RangeError(`${where}: count must be an integer >= 1`);
  }
  if (fault.kind === "slow" && !(fault.processingMs >= 0)) {
    throw new RangeError(`${where}: processingMs must be >= 0`);
  }
}
