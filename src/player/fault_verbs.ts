/**
 * Faults as verbs, the way a reader pokes a running system (Maelstrom's nemesis, RaftScope's
 * buttons): "crash n2", "isolate the leader", "heal". One builder turns a verb into the
 * kernel faults that carry it out, for the player's "what if" forks and the Raft page's live
 * cluster alike, so both mean the same thing by "isolate".
 *
 * Non-goals: choosing the node (the caller picks it, e.g. the current leader) and timing (the
 * caller applies the faults at "now").
 *
 * @module
 */

import type { NodeId } from "../sim/types.ts";
import type { FaultAction } from "./recording.ts";

/** The verbs a reader can apply. */
export type FaultVerb =
  | "crash"
  | "restart"
  | "isolate"
  | "heal"
  | "clock-jump"
  | "slow"
  | "loss"
  | "latency";

/** How a UI offers a verb: its label, whether it needs a node, and a value's default. */
export interface FaultVerbSpec {
  verb: FaultVerb;
  label: string;
  /** The verb acts on one node. */
  node: boolean;
  /** The verb takes a number (ms or a probability); this is its default. */
  value?: number;
}

/** Every verb, in the order a menu shows them. */
export const FAULT_VERBS: readonly FaultVerbSpec[] = [
  { verb: "crash", label: "crash node", node: true },
  { verb: "restart", label: "restart node", node: true },
  { verb: "isolate", label: "isolate node (partition)", node: true },
  { verb: "heal", label: "heal the network", node: false },
  { verb: "clock-jump", label: "clock jump (ms)", node: true, value: 500 },
  { verb: "slow", label: "slow node (ms per event)", node: true, value: 20 },
  { verb: "loss", label: "set loss probability", node: false, value: 0.3 },
  { verb: "latency", label: "set max latency (ms)", node: false, value: 60 },
];

/** Options for {@linkcode faultVerb}. */
export interface FaultVerbOptions {
  /** The node the verb acts on; required by verbs whose spec has `node: true`. */
  node?: NodeId;
  /** The verb's number; @default the spec's `value`. */
  value?: number;
  /**
   * The nodes `isolate` cuts the node off from (the node itself is skipped). Nodes not
   * listed, such as clients, can still reach it both ways. @default []
   */
  peers?: readonly NodeId[];
}

/**
 * The kernel faults (without times) that carry out one verb.
 *
 * `isolate` cuts both directions of every link between the node and each peer rather than
 * declaring a partition, because a partition also separates every unlisted node (the
 * kernel puts them in a group of their own) and a client should still reach an isolated
 * leader: that is how a stale leader keeps accepting requests it cannot commit (Raft §8).
 *
 * @param verb One of {@linkcode FAULT_VERBS}.
 * @param options The node, the value and, for `isolate`, the peers.
 * @returns The faults, in the order to apply them.
 * @throws RangeError naming the verb or the missing option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultVerb } from "./fault_verbs.ts";
 * assert.deepEqual(faultVerb("crash", { node: "n2" }), [{ kind: "crash", node: "n2" }]);
 * assert.deepEqual(faultVerb("isolate", { node: "n1", peers: ["n1", "n2"] }), [
 *   { kind: "cut", from: "n1", to: "n2" },
 *   { kind: "cut", from: "n2", to: "n1" },
 * ]);
 * ```
 */
export function faultVerb(verb: FaultVerb, options: FaultVerbOptions = {}): FaultAction[] {
  const spec = FAULT_VERBS.find((s) => s.verb === verb);
  if (spec === undefined) {
    throw new RangeError(
      `Unknown fault verb "${verb}" (known: ${FAULT_VERBS.map((s) => s.verb).join(", ")})`,
    );
  }
  const node = options.node ?? "";
  if (spec.node && node === "") {
    throw new RangeError(`Fault verb "${verb}" needs option node`);
  }
  const value = options.value ?? spec.value ?? 0;
  if (spec.value !== undefined && !Number.isFinite(value)) {
    throw new RangeError(`Fault verb "${verb}" option value must be a number, got ${value}`);
  }
  switch (verb) {
    case "crash":
    case "restart":
      return [{ kind: verb, node }];
    case "isolate":
      return (options.peers ?? []).filter((peer) => peer !== node).flatMap((peer) => [
        { kind: "cut" as const, from: node, to: peer },
        { kind: "cut" as const, from: peer, to: node },
      ]);
    case "heal":
      return [{ kind: "heal" }];
    case "clock-jump":
      return [{ kind: verb, node, deltaMs: value }];
    case "slow":
      return [{ kind: verb, node, processingMs: value }];
    case "loss":
      if (!(value >= 0 && value <= 1)) {
        throw new RangeError(`Fault verb "loss" option value must be in [0, 1], got ${value}`);
      }
      return [{ kind: "network", set: { lossProbability: value } }];
    case "latency":
      if (!(value >= 1)) {
        throw new RangeError(`Fault verb "latency" option value must be >= 1 ms, got ${value}`);
      }
      return [{ kind: "network", set: { latency: { kind: "uniform", minMs: 1, maxMs: value } } }];
  }
}

/**
 * A verb as one short line for labels: `isolate n1`, `crash n2`, `loss 0.3`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFaultVerb } from "./fault_verbs.ts";
 * assert.equal(describeFaultVerb("isolate", { node: "n1" }), "isolate n1");
 * assert.equal(describeFaultVerb("heal"), "heal");
 * ```
 */
export function describeFaultVerb(verb: FaultVerb, options: FaultVerbOptions = {}): string {
  const spec = FAULT_VERBS.find((s) => s.verb === verb);
  const parts: string[] = [verb];
  if (spec?.node && options.node !== undefined) parts.push(options.node);
  if (spec?.value !== undefined) parts.push(String(options.value ?? spec.value));
  return parts.join(" ");
}
