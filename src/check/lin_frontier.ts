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

import {
  INVALID,
  type ModelOperation,
  type RegisterModel,
  unknownOutcomeGroups,
} from "./lin_model.ts";

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
  /** Open definite operations already linearized, ascending. */
  linearized: number[];
  /** Per class of unknown-outcome operations, how many were used. */
  used: number[];
}

function keyOf(c: Configuration): string {
  return `${c.state}|${c.linearized.join(",")}|${c.used.join(",")}`;
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
 * import { RegisterModel } from "./lin_model.ts";
 * import { frontierSearch } from "./lin_frontier.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const ops = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "read" },
 *   { process: 2, type: "ok", f: "read", value: 2 },
 * ]));
 * console.assert(frontierSearch(model, ops, 100).failedAtLine === 4);
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
  const invoked = new Uint8Array(operations.length);
  let frontier: Configuration[] = [{ state: 0, linearized: [], used: members.map(() => 0) }];
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
      if (operations[event.op].definite) open.push(event.op);
      continue;
    }
    const target = event.op;
    if (operations[target].failed) {
      // A failed write or append was available while open, but must not have taken effect.
      open.splice(open.indexOf(target), 1);
      const survivors = frontier.filter((c) => !c.linearized.includes(target));
      if (survivors.length === 0) return violated(event.line, target, []);
      frontier = survivors;
      continue;
    }
    const next = new Map<string, Configuration>();
    const visited = new Dominance();
    const culpritStates = new Set<number>();
    // Breadth-first over the ways to linearize available operations until `target` is: a
    // configuration reached with fewer operations comes first, so the dominance check meets
    // the cheap way to a value before the wasteful ones.
    const queue: Configuration[] = [];
    let head = 0;
    for (const c of frontier) {
      if (c.linearized.includes(target)) {
        const done = { ...c, linearized: c.linearized.filter((i) => i !== target) };
        next.set(keyOf(done), done);
      } else if (visited.admit(c)) {
        queue.push(c);
      }
    }
    while (head < queue.length) {
      const c = queue[head++];
      const candidates = open.filter((i) => !c.linearized.includes(i));
      c.used.forEach((count, k) => {
        const i = members[k][count];
        if (i !== undefined && invoked[i] === 1) candidates.push(i);
      });
      for (const i of candidates) {
        const state = model.step(c.state, operations[i]);
        // An unknown-outcome operation that leaves the value as it is only uses it up.
        if (classOf[i] >= 0 && state === c.state) continue;
        if (state === INVALID) {
          if (i === target) culpritStates.add(c.state);
          continue;
        }
        if (i === target) {
          const done = { state, linearized: c.linearized, used: c.used };
          next.set(keyOf(done), done);
          continue;
        }
        const successor = classOf[i] >= 0
          ? {
            state,
            linearized: c.linearized,
            used: c.used.map((n, k) => k === classOf[i] ? n + 1 : n),
          }
          : { state, linearized: [...c.linearized, i].sort((x, y) => x - y), used: c.used };
        if (!visited.admit(successor)) continue;
        if (++explored > maxStates) return { verdict: "unknown", statesExplored: explored };
        queue.push(successor);
      }
    }
    open.splice(open.indexOf(target), 1);
    if (next.size === 0) return violated(event.line, target, [...culpritStates]);
    frontier = pruneDominated([...next.values()]);
    explored += frontier.length;
    if (explored > maxStates) return { verdict: "unknown", statesExplored: explored };
  }
  return { verdict: "linearizable", statesExplored: explored };
}

/** Drops configurations that used at least as many unknown-outcome operations of every kind
 * as another with the same value and open set: the other can do all they can. */
function pruneDominated(configurations: Configuration[]): Configuration[] {
  if (configurations.length < 2 || configurations[0].used.length === 0) return configurations;
  const groups = new Map<string, Configuration[]>();
  for (const c of configurations) {
    const key = `${c.state}|${c.linearized.join(",")}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [c]);
    else group.push(c);
  }
  const kept: Configuration[] = [];
  for (const group of groups.values()) {
    for (const c of group) {
      const dominated = group.some((d) =>
        d !== c && d.used.every((n, k) => n <= c.used[k]) &&
        (d.used.some((n, k) => n < c.used[k]) || group.indexOf(d) < group.indexOf(c))
      );
      if (!dominated) kept.push(c);
    }
  }
  return kept;
}

/**
 * The configurations seen while exploring, up to dominance: a configuration is new unless one
 * with the same value and open set that used no more unknown-outcome operations of any kind
 * was seen (what it can reach, the seen one can reach too).
 */
class Dominance {
  #groups = new Map<string, number[][]>();

  /** Records `c` and returns true if it is not dominated by one seen before. */
  admit(c: Configuration): boolean {
    const key = `${c.state}|${c.linearized.join(",")}`;
    const group = this.#groups.get(key);
    if (group === undefined) {
      this.#groups.set(key, [c.used]);
      return true;
    }
    if (group.some((used) => used.every((n, k) => n <= c.used[k]))) return false;
    group.push(c.used);
    return true;
  }
}
