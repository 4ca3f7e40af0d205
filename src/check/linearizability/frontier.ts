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
  used: readonly number[];
}

/** Slots for open definite operations: one bit each in a configuration's mask. */
const MAX_SLOTS = 30;
const SLOT_SPAN = 2 ** MAX_SLOTS;

/**
 * Configurations grouped by (value, mask), keeping only those not dominated: one dominates
 * another with the same value and mask if it used no more unknown-outcome operations of any
 * group (whatever the other can reach, it can reach too).
 *
 * Stored as columns of typed arrays (value, mask, chain) plus one reference per configuration
 * to its counts (shared between configurations whenever they used the same), and an open-
 * addressing table from (value, mask) to the newest configuration of that group: a hard key's
 * completion can visit millions of configurations, which as objects in a `Map` cost about five
 * times as much. Configurations are numbered in the order they were added, dominated ones
 * included, which is the breadth-first queue's order. `reset` empties the set in O(1) (a
 * generation stamp per table slot), so one store serves every completion of a search.
 */
class ParetoStore {
  state = new Int32Array(1024);
  mask = new Int32Array(1024);
  used: (readonly number[])[] = [];
  /** 1 while kept; 0 once a configuration that dominates it was added. */
  #alive = new Uint8Array(1024);
  /** The previous configuration of the same group, or -1. */
  #chain = new Int32Array(1024);
  /** Configurations added since the last reset (kept or not). */
  count = 0;
  /** Configurations kept. */
  size = 0;
  #keys = new Float64Array(1024);
  #heads = new Int32Array(1024);
  #generations = new Int32Array(1024);
  #generation = 1;
  #groups = 0;

  reset(): void {
    this.count = 0;
    this.size = 0;
    this.#groups = 0;
    this.used.length = 0;
    this.#generation++;
  }

  /** Adds the configuration unless dominated (returns false then), dropping those it dominates. */
  add(state: number, mask: number, used: readonly number[]): boolean {
    const key = state * SLOT_SPAN + mask;
    const slot = this.#slot(key);
    const fresh = this.#generations[slot] !== this.#generation;
    let head = fresh ? -1 : this.#heads[slot];
    if (!fresh) {
      for (let d = head; d >= 0; d = this.#chain[d]) {
        if (dominates(this.used[d], used)) return false;
      }
      // Unlink the ones the new configuration dominates.
      let kept = -1;
      let last = -1;
      for (let d = head; d >= 0; d = this.#chain[d]) {
        if (dominates(used, this.used[d])) {
          this.#alive[d] = 0;
          this.size--;
          continue;
        }
        if (last < 0) kept = d;
        else this.#chain[last] = d;
        last = d;
      }
      if (last >= 0) this.#chain[last] = -1;
      head = kept;
    }
    const c = this.count++;
    if (c === this.state.length) this.#growColumns();
    this.state[c] = state;
    this.mask[c] = mask;
    this.used[c] = used;
    this.#alive[c] = 1;
    this.#chain[c] = head;
    this.size++;
    if (fresh) {
      this.#generations[slot] = this.#generation;
      this.#keys[slot] = key;
      this.#groups++;
    }
    this.#heads[slot] = c;
    if (this.#groups * 2 > this.#keys.length) this.#growTable();
    return true;
  }

  /** Whether configuration `c` is still kept. */
  alive(c: number): boolean {
    return this.#alive[c] === 1;
  }

  /** The slot of `key` in this generation: where it is, or the empty slot it would take. */
  #slot(key: number): number {
    const mask = this.#keys.length - 1;
    for (let slot = mixKey(key) & mask;; slot = (slot + 1) & mask) {
      if (this.#generations[slot] !== this.#generation || this.#keys[slot] === key) return slot;
    }
  }

  #growColumns(): void {
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.state = grow(this.state, (n) => new Int32Array(n));
    this.mask = grow(this.mask, (n) => new Int32Array(n));
    this.#alive = grow(this.#alive, (n) => new Uint8Array(n));
    this.#chain = grow(this.#chain, (n) => new Int32Array(n));
  }

  #growTable(): void {
    const keys = this.#keys;
    const heads = this.#heads;
    const generations = this.#generations;
    this.#keys = new Float64Array(keys.length * 2);
    this.#heads = new Int32Array(keys.length * 2);
    this.#generations = new Int32Array(keys.length * 2);
    for (let slot = 0; slot < keys.length; slot++) {
      if (generations[slot] !== this.#generation) continue;
      const to = this.#slot(keys[slot]);
      this.#generations[to] = this.#generation;
      this.#keys[to] = keys[slot];
      this.#heads[to] = heads[slot];
    }
  }
}

/** Scrambles both 32-bit halves of a (value, mask) key into a table slot hash. */
function mixKey(key: number): number {
  const low = key >>> 0;
  const high = (key - low) / 2 ** 32;
  const hash = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
  return (hash ^ (hash >>> 16)) >>> 0;
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
  // Reused by every completion: the configurations reached, and those with `target` linearized.
  const visited = new ParetoStore();
  const next = new ParetoStore();
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
    next.reset();
    visited.reset();
    const culpritStates = new Set<number>();
    // Breadth-first over the ways to linearize available operations until `target` is: a
    // configuration reached with fewer operations comes first, so the dominance check meets
    // the cheap way to a value before the wasteful ones. The queue is `visited` in the order
    // configurations were added.
    for (const c of frontier) {
      if (c.mask & targetBit) next.add(c.state, c.mask & ~targetBit, c.used);
      else visited.add(c.state, c.mask, c.used);
    }
    const candidates: number[] = [];
    for (let head = 0; head < visited.count; head++) {
      const cState = visited.state[head];
      const cMask = visited.mask[head];
      const cUsed = visited.used[head];
      candidates.length = 0;
      candidates.push(target);
      for (const i of open) if ((cMask & (1 << slotOf[i])) === 0) candidates.push(i);
      for (let k = 0; k < cUsed.length; k++) {
        const i = members[k][cUsed[k]];
        if (i !== undefined && invoked[i] === 1) candidates.push(i);
      }
      for (const i of candidates) {
        const state = model.step(cState, operations[i]);
        // An unknown-outcome operation that leaves the value as it is only uses it up.
        if (classOf[i] >= 0 && state === cState) continue;
        if (state === INVALID) {
          if (i === target) culpritStates.add(cState);
          continue;
        }
        if (i === target) {
          next.add(state, cMask, cUsed);
          continue;
        }
        const added = classOf[i] >= 0
          ? visited.add(state, cMask, cUsed.map((n, k) => k === classOf[i] ? n + 1 : n))
          : visited.add(state, cMask | (1 << slotOf[i]), cUsed);
        if (!added) continue;
        if (++explored > maxStates) return { verdict: "unknown", statesExplored: explored };
      }
    }
    if (next.size === 0) return violated(event.line, target, [...culpritStates]);
    frontier = [];
    for (let c = 0; c < next.count; c++) {
      if (next.alive(c)) {
        frontier.push({ state: next.state[c], mask: next.mask[c], used: next.used[c] });
      }
    }
    explored += frontier.length;
    if (explored > maxStates) return { verdict: "unknown", statesExplored: explored };
  }
  return { verdict: "linearizable", statesExplored: explored };
}
