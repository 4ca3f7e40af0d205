/**
 * The execution algorithm of EPaxos (Moraru, Andersen and Kaminsky, "There Is More Consensus in
 * Egalitarian Parliaments", SOSP 2013, §4.3.2): how a replica turns committed instances, each
 * with a sequence number and a set of dependencies, into one execution order that every
 * replica agrees on for conflicting commands.
 *
 * To execute a committed instance, a replica waits until every instance it depends on,
 * transitively, is committed; builds the dependency graph of those not yet executed; finds its
 * strongly connected components (Tarjan), which come out dependencies first; and executes
 * each component's instances in increasing sequence number (ties by instance id). The
 * protocol guarantees that of two conflicting commands at least one depends on the other, so
 * every replica meets them in the same component or in the same component order.
 *
 * Guarantees: given the same committed attributes, every replica executes conflicting
 * commands in the same order, whatever order the commits arrive in.
 * Non-goals: the agreement protocol itself (PreAccept, Accept, Commit, recovery), which
 * decides the attributes this module consumes.
 *
 * The known-broken variant `ignore-dependencies` executes each instance as soon as it is
 * committed, in arrival order: the mistake the paper's execution algorithm exists to prevent.
 *
 * @module
 */

/** An instance name: the command leader's id and its instance number, e.g. `r2.5`. */
export type EpaxosInstanceId = string;

/** A command on one key; two commands conflict when they share a key and one writes. */
export interface EpaxosCommand {
  key: string;
  op: "read" | "write";
  /** The value a write stores. */
  value?: number;
}

/** The attributes an instance is committed with (§4.3.1). */
export interface EpaxosCommitted {
  /** The command, or null for the no-op a recovery commits when it finds nothing (§4.5). */
  command: EpaxosCommand | null;
  seq: number;
  deps: readonly EpaxosInstanceId[];
}

/** How an executor orders instances: the paper's algorithm, or the known-broken shortcut. */
export type EpaxosExecutionVariant = "correct" | "ignore-dependencies";

/** Every execution variant, the correct one first. */
export const EPAXOS_EXECUTION_VARIANTS: readonly EpaxosExecutionVariant[] = [
  "correct",
  "ignore-dependencies",
];

/**
 * Whether two commands conflict: same key, and at least one of them writes (§4.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epaxosConflicts } from "./execution.ts";
 * assert.equal(epaxosConflicts({ key: "x", op: "write" }, { key: "x", op: "read" }), true);
 * assert.equal(epaxosConflicts({ key: "x", op: "read" }, { key: "x", op: "read" }), false);
 * assert.equal(epaxosConflicts({ key: "x", op: "write" }, { key: "y", op: "write" }), false);
 * ```
 */
export function epaxosConflicts(a: EpaxosCommand, b: EpaxosCommand): boolean {
  return a.key === b.key && (a.op === "write" || b.op === "write");
}

/**
 * One replica's executor: feed it commits in any order; it returns what became executable,
 * in execution order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EpaxosExecutor } from "./execution.ts";
 * const w = (value: number) => ({ key: "x", op: "write" as const, value });
 * const executor = new EpaxosExecutor();
 * // r2.1 depends on r1.1, which is not committed yet: nothing runs.
 * assert.deepEqual(executor.commit("r2.1", { command: w(2), seq: 2, deps: ["r1.1"] }), []);
 * // r1.1 and r2.1 depend on each other (one strongly connected component): seq orders them.
 * assert.deepEqual(executor.commit("r1.1", { command: w(1), seq: 1, deps: ["r2.1"] }), ["r1.1", "r2.1"]);
 * ```
 */
export class EpaxosExecutor {
  readonly variant: EpaxosExecutionVariant;
  #committed = new Map<EpaxosInstanceId, EpaxosCommitted>();
  #executed = new Set<EpaxosInstanceId>();
  #order: EpaxosInstanceId[] = [];
  /** Committed instance -> its deps not yet executed (pruned as they execute). */
  #pending = new Map<EpaxosInstanceId, EpaxosInstanceId[]>();
  /** Uncommitted instance -> the instances whose execution waits for it. */
  #waiting = new Map<EpaxosInstanceId, Set<EpaxosInstanceId>>();

  constructor(options: { variant?: EpaxosExecutionVariant } = {}) {
    const variant = options.variant ?? "correct";
    if (!EPAXOS_EXECUTION_VARIANTS.includes(variant)) {
      throw new RangeError(
        `EpaxosExecutor option variant must be one of ${
          EPAXOS_EXECUTION_VARIANTS.join(", ")
        }, got ${variant}`,
      );
    }
    this.variant = variant;
  }

  /** Every instance executed so far, in order. */
  get executed(): readonly EpaxosInstanceId[] {
    return this.#order;
  }

  /** Records a commit and executes whatever it made executable; returns those, in order. */
  commit(id: EpaxosInstanceId, committed: EpaxosCommitted): EpaxosInstanceId[] {
    const known = this.#committed.get(id);
    if (known !== undefined) {
      if (known.seq !== committed.seq || known.deps.join() !== committed.deps.join()) {
        throw new RangeError(
          `Instance ${id} committed twice with different attributes: seq ${known.seq} deps [${known.deps}] and seq ${committed.seq} deps [${committed.deps}]`,
        );
      }
      return [];
    }
    this.#committed.set(id, { ...committed, deps: [...committed.deps].sort() });
    this.#pending.set(id, [...committed.deps].sort());
    const before = this.#order.length;
    if (this.variant === "ignore-dependencies") {
      this.#run([id]);
    } else {
      // Only this instance and those that were waiting for it to commit can have become
      // executable; trying every unexecuted instance would cost quadratic time under conflicts.
      const waiting = [...(this.#waiting.get(id) ?? [])].sort();
      this.#waiting.delete(id);
      for (const candidate of [id, ...waiting]) {
        if (!this.#executed.has(candidate)) this.#tryExecute(candidate);
      }
    }
    return this.#order.slice(before);
  }

  #run(ids: EpaxosInstanceId[]): void {
    for (const id of ids) {
      if (this.#executed.has(id)) continue;
      this.#executed.add(id);
      this.#order.push(id);
    }
  }

  // §4.3.2 steps 1–2: wait for the transitive dependencies to be committed, then execute the
  // strongly connected components of the unexecuted graph, dependencies first.
  #tryExecute(root: EpaxosInstanceId): void {
    const reachable = new Set<EpaxosInstanceId>();
    const stack = [root];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (reachable.has(id) || this.#executed.has(id)) continue;
      const c = this.#committed.get(id);
      if (c === undefined) {
        // A dependency is not committed yet: wait, and try again when it is.
        if (!this.#waiting.has(id)) this.#waiting.set(id, new Set());
        this.#waiting.get(id)!.add(root);
        return;
      }
      reachable.add(id);
      // Executed dependencies never matter again: drop them, so that long-lived conflict
      // chains cost each dependency once rather than once per attempt.
      const pending = this.#pending.get(id)!.filter((d) => !this.#executed.has(d));
      this.#pending.set(id, pending);
      for (const d of pending) stack.push(d);
    }
    for (const component of this.#components(root, reachable)) {
      const ordered = [...component].sort((a, b) =>
        this.#committed.get(a)!.seq - this.#committed.get(b)!.seq || (a < b ? -1 : a > b ? 1 : 0)
      );
      this.#run(ordered);
    }
  }

  // Tarjan's algorithm, iterative; components come out in reverse topological order of the
  // "depends on" edges, that is, dependencies before the instances that depend on them.
  #components(root: EpaxosInstanceId, nodes: Set<EpaxosInstanceId>): EpaxosInstanceId[][] {
    const index = new Map<EpaxosInstanceId, number>();
    const low = new Map<EpaxosInstanceId, number>();
    const onStack = new Set<EpaxosInstanceId>();
    const stack: EpaxosInstanceId[] = [];
    const out: EpaxosInstanceId[][] = [];
    let counter = 0;
    const edges = (id: EpaxosInstanceId) => this.#pending.get(id)!.filter((d) => nodes.has(d));
    const work: { id: EpaxosInstanceId; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const deps = edges(frame.id);
      if (frame.next < deps.length) {
        const d = deps[frame.next++];
        if (!index.has(d)) {
          index.set(d, counter);
          low.set(d, counter++);
          stack.push(d);
          onStack.add(d);
          work.push({ id: d, next: 0 });
        } else if (onStack.has(d)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(d)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: EpaxosInstanceId[] = [];
        let id: EpaxosInstanceId;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          component.push(id);
        } while (id !== frame.id);
        out.push(component);
      }
    }
    return out;
  }
}
