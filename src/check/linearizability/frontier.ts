/**
 * Breadth-first just-in-time linearization: the main linearizability search.
 *
 * Lowe, "Testing for linearizability" (CCPE 2017), §5 (just-in-time linearization, in the
 * breadth-first form also used by Knossos' "linear" checker): the history is read line by line
 * while keeping the *frontier*, the set of every configuration the register can be in. A
 * configuration is the register value, the open operations already linearized, and how many
 * unknown-outcome operations of each kind have been used. An invocation only makes an
 * operation available. A failed write is available until its failure, which then discards the
 * configurations that used it (so every prefix is judged exactly). The completion of a definite operation `o` replaces every configuration
 * by all those reachable by linearizing available operations until `o` is linearized. The
 * history is linearizable iff the frontier never becomes empty, and the line where it does is
 * exactly the end of the minimal non-linearizable prefix.
 *
 * Unlike the depth-first search (lin_search.ts), the work never depends on where a violation
 * is: it is the sum of the frontier sizes, bounded by the concurrency, for any history.
 *
 * Unknown-outcome operations of the same kind are interchangeable (the earliest unused one is
 * available whenever a later one is), so only the earliest unused one of each kind is tried
 * and a configuration records counts. A configuration that used fewer of each kind than
 * another with the same value and open set dominates it and replaces it.
 *
 * @module
 */

import { INVALID, type ModelOperation, type RegisterModel, unknownOutcomeGroups } from "./model.ts";

/** Outcome of {@linkcode frontierSearch}. */
export interface FrontierResult {
  verdict: "linearizable" | "not-linearizable" | "unknown";
  /** Configurations explored in total. */
  statesExplored: number;
  /** Not linearizable: the line whose completion emptied the frontier. */
  failedAtLine?: number;
  /** Not linearizable: index of the operation completed on that line. */
  culprit?: number;
  /** Not linearizable: the value ids in which the culprit was tried and did not fit. */
  culpritStates?: number[];
  /** Not linearizable: the value ids of the frontier just before the failing line. */
  frontierStates?: number[];
}

interface Configuration {
  state: number;
  /** Open definite operations already linearized, as a bitmask over their slots. */
  mask: number;
  /** Per group of unknown-outcome operations, how many were used. */
  used: number[];
}

/** Slots for open definite operations: one bit each in a configuration's mask. */
const MAX_SLOTS = 30;
const SLOT_SPAN = 2 ** MAX_SLOTS;

/**
 * Configurations grouped by (value, mask), keeping only those not dominated: one dominates
 * another with the same value and mask if it used no more unknown-outcome operations of any
 * group (whatever the other can reach, it can reach too).
 */
class ParetoSet {
  // One configuration per (value, mask) in the common case, an array only when several used
  // incomparable counts of unknown-outcome operations; without unknown outcomes every `used`
  // is empty, all configurations of a key are equal, and `add` allocates nothing.
  #groups = new Map<number, Configuration | Configuration[]>();
  size = 0;

  /** Adds `c` unless dominated (returns false then), dropping those it dominates. */
  add(c: Configuration): boolean {
    const key = c.state * SLOT_SPAN + c.mask;
    const group = this.#groups.get(key);
    if (group === undefined) {
      this.#groups.set(key, c);
      this.size++;
      return true;
    }
    if (!Array.isArray(group)) {
      if (dominates(group.used, c.used)) return false;
      if (dominates(c.used, group.used)) this.#groups.set(key, c);
      else {
        this.#groups.set(key, [group, c]);
        this.size++;
      }
      return true;
    }
    for (const d of group) if (dominates(d.used, c.used)) return false;
    const kept = group.filter((d) => !dominates(c.used, d.used));
    this.size += kept.length + 1 - group.length;
    kept.push(c);
    this.#groups.set(key, kept);
    return true;
  }

  /** All configurations kept. */
  values(): Configuration[] {
    const all: Configuration[] = [];
    for (const group of this.#groups.values()) {
      if (Array.isArray(group)) all.push(...group);
      else all.push(group);
    }
    return all;
  }
}

/** Whether counts `a` use no more of any group than `b` (so `a`'s configuration can do all `b`'s can). */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] > b[k]) return false;
  return true;
}

/**
 * Decides linearizability of one register's operations by breadth-first search.
 *
 * @param model The model the operations were compiled with.
 * @param operations Compiled operations in invocation order.
 * @param maxStates Configurations to explore (frontiers included) before giving up with
 *   `unknown`.
 * @returns The verdict and, when violated, where and why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RegisterModel } from "./model.ts";
 * import { frontierSearch } from "./frontier.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const ops = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "read" },
 *   { process: 2, type: "ok", f: "read", value: 2 },
 * ]));
 * assert.ok(frontierSearch(model, ops, 100).failedAtLine === 4);
 * ```
 */
export function frontierSearch(
  model: RegisterModel,
  operations: readonly ModelOperation[],
  maxStates: number,
): FrontierResult {
  const { groupOf: classOf, members } = unknownOutcomeGroups(operations);
  const events: { line: number; op: number; call: boolean }[] = [];
  operations.forEach((op, i) => {
    events.push({ line: op.invokeLine, op: i, call: true });
    if (op.definite) events.push({ line: op.completeLine, op: i, call: false });
  });
  // On the same line, discard configurations that used a failed operation's success first.
  const rank = (e: { op: number; call: boolean }) => e.call ? 0 : operations[e.op].failed ? 1 : 2;
  events.sort((x, y) => x.line - y.line || rank(x) - rank(y));

  const open: number[] = []; // open definite operations, ascending
  const slotOf = new Int32Array(operations.length).fill(-1);
  let slotsInUse = 0;
  const invoked = new Uint8Array(operations.length);
  let frontier: Configuration[] = [{ state: 0, mask: 0, used: members.map(() => 0) }];
  let explored = 0;
  const ascending = (ids: Iterable<number>) => [...new Set(ids)].sort((x, y) => x - y);
  const violated = (line: number, culprit: number, culpritStates: number[]): FrontierResult => ({
    verdict: "not-linearizable",
    statesExplored: explored,
    failedAtLine: line,
    culprit,
    culpritStates: ascending(culpritStates),
    frontierStates: ascending(frontier.map((c) => c.state)),
  });

  for (const event of events) {
    if (event.call) {
      invoked[event.op] = 1;
      if (!operations[event.op].definite) continue;
      let slot = 0;
      while (slotsInUse & (1 << slot)) slot++;
      // More concurrent operations than slots: leave it to the depth-first search.
      if (slot >= MAX_SLOTS) return { verdict: "unknown", statesExplored: explored };
      slotsInUse |= 1 << slot;
      slotOf[event.op] = slot;
      open.push(event.op);
      continue;
    }
    const target = event.op;
    const targetBit = 1 << slotOf[target];
    open.splice(open.indexOf(target), 1);
    slotsInUse &= ~targetBit;
    if (operations[target].failed) {
      // A failed write or append was available while open, but must not have taken effect.
      const survivors = frontier.filter((c) => (c.mask & targetBit) === 0);
      if (survivors.length === 0) return violated(event.line, target, []);
      frontier = survivors;
      continue;
    }
    const next = new ParetoSet();
    const visited = new ParetoSet();
    const culpritStates = new Set<number>();
    // Breadth-first over the ways to linearize available operations until `target` is: a
    // configuration reached with fewer operations comes first, so the dominance check meets
    // the cheap way to a value before the wasteful ones.
    const queue: Configuration[] = [];
    for (const c of frontier) {
      if (c.mask & targetBit) next.add({ ...c, mask: c.mask & ~targetBit });
      else if (visited.add(c)) queue.push(c);
    }
    const candidates: number[] = [];
    for (let head = 0; head < queue.length; head++) {
      const c = queue[head];
      candidates.length = 0;
      candidates.push(target);
      for (const i of open) if ((c.mask & (1 << slotOf[i])) === 0) candidates.push(i);
      for (let k = 0; k < c.used.length; k++) {
        const i = members[k][c.used[k]];
        if (i !== undefined && invoked[i] === 1) candidates.push(i);
      }
      for (const i of candidates) {
        const state = model.step(c.state, operations[i]);
        // An unknown-outcome operation that leaves the value as it is only uses it up.
        if (classOf[i] >= 0 && state === c.state) continue;
        if (state === INVALID) {
          if (i === target) culpritStates.add(c.state);
          continue;
        }
        if (i === target) {
          next.add({ state, mask: c.mask, used: c.used });
          continue;
        }
        const successor = classOf[i] >= 0
          ? { state, mask: c.mask, used: c.used.map((n, k) => k === classOf[i] ? n + 1 : n) }
          : { state, mask: c.mask | (1 << slotOf[i]), used: c.used };
        if (!visited.add(successor)) continue;
        if (++explored > maxStates) return { verdict: "unknown", statesExplored: explored };
        queue.push(successor);
      }
    }
    if (next.size === 0) return violated(event.line, target, [...culpritStates]);
    frontier = next.values();
    explored += frontier.length;
    if (explored > maxStates) return { verdict: "unknown", statesExplored: explored };
  }
  return { verdict: "linearizable", statesExplored: explored };
}
