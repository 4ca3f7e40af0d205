/**
 * The Wing–Gong–Lowe search for a linearization of one register's operations.
 *
 * Wing & Gong, "Testing and verifying concurrent objects" (JPDC 1993), with Lowe's
 * improvements, "Testing for linearizability" (CCPE 2017): operations become call and return
 * entries in a doubly linked list in real-time order. The search walks the list; at a call it
 * tries to linearize that operation now (just-in-time linearization: only operations whose
 * call precedes the earliest pending return are candidates), lifting both its entries out of
 * the list; at a return whose operation is not linearized yet it backtracks. Every
 * configuration (set of linearized operations, register value) is remembered, so none is
 * explored twice (Lowe §4: memoisation).
 *
 * Operations with an unknown outcome have no return entry: their return time is infinite, so
 * they may take effect at any point after their call, and the search succeeds once every
 * definite operation is linearized, which drops any unknown one not yet placed.
 *
 * The configuration key is exact and compact: the register value, the length `p` of the
 * longest prefix of definite operations (in call order) all linearized, a bitset of the
 * definite operations beyond `p` that are linearized, and how many of each group of
 * interchangeable unknown-outcome operations are; a few 32-bit words in a {@linkcode KeySet}.
 * Definite operations linearized beyond `p` were all called before the pending return of
 * operation `p`, so that list stays as short as the concurrency.
 *
 * @module
 */

import type { JsonValue, Operation } from "./history.ts";
import {
  INVALID,
  type ModelOperation,
  OpCode,
  RegisterModel,
  unknownOutcomeGroups,
} from "./model.ts";
import { frontierSearch } from "./frontier.ts";
import { KeySet } from "./key_set.ts";

/** Limits of {@linkcode searchLinearization}. */
export interface LinearizationSearchOptions {
  /** Configurations to explore before giving up with `unknown`. */
  maxStates: number;
}

/** Outcome of {@linkcode searchLinearization}. */
export interface LinearizationSearchResult {
  verdict: "linearizable" | "not-linearizable" | "unknown";
  /** Distinct configurations explored. */
  statesExplored: number;
  /** When linearizable: operation indices in a valid linearization order. */
  order?: number[];
  /** When linearizable: the value id after that order. */
  finalState?: number;
}

const END = -1;

/**
 * Searches for a linearization of one register's operations.
 *
 * @param model The register model the operations were compiled with.
 * @param operations Compiled operations in invocation order.
 * @param options The state budget.
 * @returns The verdict, the work done and, if linearizable, a witness order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RegisterModel } from "./model.ts";
 * import { searchLinearization } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const ops = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "read" },
 *   { process: 2, type: "ok", f: "read", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 * ]));
 * const result = searchLinearization(model, ops, { maxStates: 1000 });
 * assert.ok(result.verdict === "linearizable" && result.order?.join() === "0,1");
 * ```
 */
export function searchLinearization(
  model: RegisterModel,
  operations: readonly ModelOperation[],
  options: LinearizationSearchOptions,
): LinearizationSearchResult {
  return depthFirstSearch(model, operations).run(options.maxStates);
}

/** A depth-first search that can be given more budget and go on where it stopped. */
export interface ResumableSearch {
  /**
   * Runs until a verdict or until `maxStates` distinct configurations were explored in all
   * (this call and the earlier ones), then returns; after `unknown` it can be run again with
   * a larger budget, exploring exactly what one run with that budget would.
   */
  run(maxStates: number): LinearizationSearchResult;
}

/**
 * The search of {@linkcode searchLinearization}, resumable: the checker's rounds of growing
 * budgets go on from the configurations already explored instead of starting over.
 *
 * @param model The register model the operations were compiled with.
 * @param operations Compiled operations in invocation order.
 * @returns The search, not started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RegisterModel } from "./model.ts";
 * import { depthFirstSearch } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const ops = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "write", value: 2 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 *   { process: 2, type: "ok", f: "write", value: 2 },
 *   { process: 3, type: "invoke", f: "read" },
 *   { process: 3, type: "ok", f: "read", value: 3 },
 * ]));
 * const search = depthFirstSearch(model, ops);
 * assert.equal(search.run(1).verdict, "unknown");
 * const resumed = search.run(100);
 * assert.equal(resumed.verdict, "not-linearizable");
 * assert.equal(resumed.statesExplored, depthFirstSearch(model, ops).run(100).statesExplored);
 * ```
 */
export function depthFirstSearch(
  model: RegisterModel,
  operations: readonly ModelOperation[],
): ResumableSearch {
  const n = operations.length;
  // Entries: 0 is the list head; call entry of op i and its return entry (definite ops only).
  const points: { line: number; entry: number }[] = [];
  const entryOp = new Int32Array(2 * n + 1);
  const entryIsCall = new Uint8Array(2 * n + 1);
  const callEntry = new Int32Array(n);
  const returnEntry = new Int32Array(n).fill(END);
  let entries = 1;
  const defIndex = new Int32Array(n).fill(-1);
  // Unknown-outcome ops of one group are interchangeable (see unknownOutcomeGroups).
  const { groupOf: infoClass, members: classMembers } = unknownOutcomeGroups(operations);
  const definiteOps: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = operations[i];
    callEntry[i] = entries;
    entryOp[entries] = i;
    entryIsCall[entries] = 1;
    points.push({ line: op.invokeLine, entry: entries++ });
    if (op.definite) {
      returnEntry[i] = entries;
      entryOp[entries] = i;
      points.push({ line: op.completeLine, entry: entries++ });
      defIndex[i] = definiteOps.length;
      definiteOps.push(i);
    }
  }
  points.sort((x, y) => x.line - y.line);
  const next = new Int32Array(entries).fill(END);
  const prev = new Int32Array(entries).fill(END);
  let last = 0;
  for (const point of points) {
    next[last] = point.entry;
    prev[point.entry] = last;
    last = point.entry;
  }

  const unlink = (e: number) => {
    next[prev[e]] = next[e];
    if (next[e] !== END) prev[next[e]] = prev[e];
  };
  const relink = (e: number) => {
    next[prev[e]] = e;
    if (next[e] !== END) prev[next[e]] = e;
  };
  const lift = (i: number) => {
    unlink(callEntry[i]);
    if (returnEntry[i] !== END) unlink(returnEntry[i]);
  };
  const unlift = (i: number) => {
    if (returnEntry[i] !== END) relink(returnEntry[i]);
    relink(callEntry[i]);
  };

  // The linearized set, kept in the form the configuration key needs.
  const linearizedDef = new Uint8Array(definiteOps.length + 1);
  let prefix = 0; // every definite op with defIndex < prefix is linearized
  let linearizedDefCount = 0;
  const classLinearized = new Int32Array(classMembers.length);
  let linearizedInfoCount = 0;
  const mark = (i: number) => {
    const d = defIndex[i];
    if (d >= 0) {
      linearizedDef[d] = 1;
      linearizedDefCount++;
      while (linearizedDef[prefix] === 1) prefix++;
    } else {
      classLinearized[infoClass[i]]++;
      linearizedInfoCount++;
    }
  };
  const unmark = (i: number) => {
    const d = defIndex[i];
    if (d >= 0) {
      linearizedDef[d] = 0;
      linearizedDefCount--;
      if (d < prefix) prefix = d;
    } else {
      classLinearized[infoClass[i]]--;
      linearizedInfoCount--;
    }
  };
  // The configuration key, as words for the KeySet: [value, prefix, words of the bitset of
  // definite operations linearized beyond prefix (bit j: prefix + 1 + j), those bitset
  // words..., then the unknown-outcome groups' counts packed (8 bits each when every group
  // has under 256 members, else 32) with trailing zero words dropped]. The bitset spans at
  // most the concurrency, so a key is a few words where its text was 100-250 characters.
  const packCounts = classMembers.every((members) => members.length < 256);
  const scratch = new Int32Array(
    3 + ((definiteOps.length + 31) >> 5) + classMembers.length,
  );
  const configurationKey = (state: number): number => {
    scratch[0] = state;
    scratch[1] = prefix;
    let length = 3;
    let beyond = linearizedDefCount - prefix;
    let word = 0;
    let bit = 0;
    for (let d = prefix + 1; beyond > 0; d++) {
      if (linearizedDef[d] === 1) {
        word |= 1 << bit;
        beyond--;
      }
      if (++bit === 32 || beyond === 0) {
        scratch[length++] = word;
        word = 0;
        bit = 0;
      }
    }
    scratch[2] = length - 3;
    if (linearizedInfoCount > 0) {
      let top = classLinearized.length - 1;
      while (classLinearized[top] === 0) top--;
      if (packCounts) {
        for (let c = 0; c <= top; c += 4) {
          scratch[length++] = classLinearized[c] | (classLinearized[c + 1] ?? 0) << 8 |
            (classLinearized[c + 2] ?? 0) << 16 | (classLinearized[c + 3] ?? 0) << 24;
        }
      } else {
        for (let c = 0; c <= top; c++) scratch[length++] = classLinearized[c];
      }
    }
    return length;
  };

  // Append-only registers only grow, so a value that is not a prefix of what a pending read
  // returned can never satisfy that read: such configurations are dead (a pure function of the
  // configuration, hence safe with memoisation). Without this, unknown-outcome appends make
  // the search try every subset of them.
  const appendOnly = operations.some((op) => op.code === OpCode.Append) &&
    operations.every((op) => op.code === OpCode.Append || op.code === OpCode.Read);
  // The first few unlinearized definite reads; checking a few is enough to prune well.
  const pendingReads = (skip: number): (string | null | undefined)[] => {
    const reads: (string | null | undefined)[] = [];
    for (let d = prefix; d < definiteOps.length && reads.length < 3; d++) {
      const i = definiteOps[d];
      if (linearizedDef[d] === 1 || i === skip || operations[i].code !== OpCode.Read) continue;
      const value = model.value(operations[i].a);
      // A read of a non-string can never be satisfied in an append-only register.
      reads.push(typeof value === "string" || value === null ? value : undefined);
    }
    return reads;
  };
  // Every configuration entered is viable, so the current value is a prefix of the pending
  // reads; an append then only needs its own text compared, not the whole value.
  const viable = (state: number, i: number): boolean => {
    const op = operations[i];
    const current = model.value(state) as string | null;
    if (op.code === OpCode.Append) {
      const offset = current === null ? 0 : current.length;
      return pendingReads(-1).every((read) =>
        typeof read === "string" && read.startsWith(op.text, offset)
      );
    }
    return pendingReads(i).every((read) =>
      read === null
        ? current === null
        : read !== undefined && (current === null || read.startsWith(current))
    );
  };

  const seen = new KeySet();
  const stack: { op: number; state: number }[] = [];
  let state = 0;
  let remaining = definiteOps.length;
  let entry = next[0];
  const finish = (verdict: LinearizationSearchResult["verdict"]): LinearizationSearchResult => {
    const result: LinearizationSearchResult = { verdict, statesExplored: seen.size };
    if (verdict === "linearizable") {
      result.order = stack.map((frame) => frame.op);
      result.finalState = state;
    }
    return result;
  };

  let settled: LinearizationSearchResult | undefined;
  const run = (maxStates: number): LinearizationSearchResult => {
    if (settled !== undefined) return settled;
    const result = search(maxStates);
    if (result.verdict !== "unknown") settled = result;
    return result;
  };
  // The budget runs out only once a step is complete, when the loop's state (entry, state,
  // stack, marks) is consistent at its top: raised, the loop resumes as if it never stopped.
  const search = (maxStates: number): LinearizationSearchResult => {
    while (true) {
      if (remaining === 0) return finish("linearizable");
      if (entry === END) {
        // Unreachable: an unlinearized definite op's return entry is always ahead.
        throw new Error(`Linearizability search ran off the list with ${remaining} ops left`);
      }
      const i = entryOp[entry];
      if (entryIsCall[entry] === 1) {
        const c = infoClass[i];
        if (c >= 0 && classMembers[c][classLinearized[c]] !== i) {
          entry = next[entry];
          continue;
        }
        const nextState = appendOnly && !viable(state, i)
          ? INVALID
          : model.step(state, operations[i]);
        if (nextState === INVALID) {
          entry = next[entry];
          continue;
        }
        mark(i);
        if (!seen.add(scratch, configurationKey(nextState))) {
          unmark(i);
          entry = next[entry];
          continue;
        }
        stack.push({ op: i, state });
        state = nextState;
        lift(i);
        if (operations[i].definite) remaining--;
        entry = next[0];
        if (seen.size > maxStates) return finish("unknown");
      } else {
        // A pending return: the operation it closes must already have taken effect.
        const frame = stack.pop();
        if (frame === undefined) return finish("not-linearizable");
        unmark(frame.op);
        unlift(frame.op);
        if (operations[frame.op].definite) remaining++;
        state = frame.state;
        entry = next[callEntry[frame.op]];
      }
    }
  };
  return { run };
}

/** A check of one register's history operations, with value ids decoded. */
export interface RegisterCheck {
  verdict: LinearizationSearchResult["verdict"];
  statesExplored: number;
  /** Not linearizable: the line ending the minimal non-linearizable prefix. */
  failedAtLine?: number;
  /** Not linearizable: values in which the culprit (completed on that line) did not fit. */
  culpritValues?: JsonValue[];
  /** Not linearizable: the values the register could hold just before that line. */
  frontierValues?: JsonValue[];
}

/** Options of {@linkcode checkRegisterOperations}. */
export interface RegisterCheckOptions {
  /**
   * The budget of the first round. A caller that already ran the rounds below it (the
   * checker's rounds over keys) starts here, so no round is repeated.
   * @default 10_000
   */
  firstBudget?: number;
  /**
   * Stop after the round with this budget, with `unknown` unless a verdict was reached, so a
   * caller can interleave keys; rounds below `maxStates` give the breadth-first search its
   * weighted share, the round at `maxStates` gives it everything.
   * @default maxStates
   */
  lastBudget?: number;
}

/**
 * Checks one register's history operations, racing the two searches with growing budgets:
 * the depth-first one ({@linkcode searchLinearization}) finds a linearization fast, even
 * with many unknown outcomes, but must exhaust every configuration to prove there is none;
 * the breadth-first one ({@linkcode frontierSearch}) costs the same wherever a violation is
 * and finds the minimal non-linearizable prefix, but keeps every alternative an
 * unknown-outcome operation opens. Each round multiplies the budget by four; the
 * breadth-first search gets four times as much without unknown outcomes and a quarter with
 * them, and the full budget in the last round or once the depth-first search has proven a
 * violation (then only the prefix is sought).
 *
 * @param operations Operations of a single key, in invocation order.
 * @param maxStates The largest budget: configurations each search may explore.
 * @param options Where the budgets start.
 * @returns The verdict with decoded values; `failedAtLine` is absent when only the
 *   depth-first search reached a verdict of not linearizable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRegisterOperations } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "cas", value: [null, 1] },
 *   { process: 1, type: "fail", f: "cas" },
 * ]);
 * assert.ok(checkRegisterOperations(ops, 100).failedAtLine === 2);
 * ```
 */
export function checkRegisterOperations(
  operations: readonly Operation[],
  maxStates: number,
  options: RegisterCheckOptions = {},
): RegisterCheck {
  const checker = registerChecker(operations, maxStates);
  const first = Math.min(options.firstBudget ?? 10_000, maxStates);
  const last = options.lastBudget ?? maxStates;
  let explored = 0;
  for (let budget = first;; budget = Math.min(budget * 4, maxStates)) {
    const check = checker.round(budget);
    explored += check.statesExplored;
    if (check.verdict !== "unknown" || budget === maxStates || budget >= last) {
      return { ...check, statesExplored: explored };
    }
  }
}

/** One key's check, run round by round (see {@linkcode registerChecker}). */
export interface RegisterChecker {
  /**
   * Runs one round at `budget` (rounds must not shrink). Returns its verdict, and the states
   * explored in this round alone: `unknown` means undecided at this budget.
   */
  round(budget: number): RegisterCheck;
}

/**
 * The rounds of {@linkcode checkRegisterOperations}, one at a time, for a caller that
 * interleaves keys (the checker's rounds over keys). The depth-first search goes on from
 * where the last round stopped; the breadth-first one starts over with its new share.
 *
 * @param operations Operations of a single key, in invocation order.
 * @param maxStates The largest budget.
 * @param options `prefix` (default true): once the depth-first search has proven a
 *   violation, run the breadth-first one to its full budget for the minimal prefix
 *   (`failedAtLine`, which explanations need); false returns the verdict at once.
 *   `prefixMaxStates` (default `maxStates`): that search's budget then.
 * @returns The checker, no round run yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { registerChecker } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const checker = registerChecker(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 * ]), 100);
 * assert.equal(checker.round(10).verdict, "linearizable");
 * ```
 */
export function registerChecker(
  operations: readonly Operation[],
  maxStates: number,
  options: { prefix?: boolean; prefixMaxStates?: number } = {},
): RegisterChecker {
  const wantPrefix = options.prefix ?? true;
  const prefixMaxStates = Math.min(options.prefixMaxStates ?? maxStates, maxStates);
  // One model per search: each interns the values it reaches (on a hard key, millions of
  // appended strings), so the depth-first one's go with it when it is dropped.
  let depthFirst: ResumableSearch | undefined = (() => {
    const model = new RegisterModel();
    return depthFirstSearch(model, model.compile(operations));
  })();
  // The breadth-first search starts over each round, with a fresh model for the same reason.
  const allDefinite = new RegisterModel().compile(operations, true).every((op) => op.definite);
  // Per configuration, the breadth-first search is cheap without unknown outcomes and dear
  // with them (it weighs alternatives against each other): four times the budget, or a
  // quarter of it, until the last round or once the depth-first search proved a violation.
  const weight = allDefinite ? 4 : 1 / 4;
  let depthFirstExplored = 0;
  let proven: "not-linearizable" | undefined;
  const round = (budget: number): RegisterCheck => {
    let explored = 0;
    if (proven === undefined && depthFirst !== undefined) {
      const result = depthFirst.run(budget);
      // No round comes after the one at maxStates: let the memo go before the breadth-first
      // search fills memory of its own (on a hard key both hold millions of configurations).
      if (budget >= maxStates) depthFirst = undefined;
      explored += result.statesExplored - depthFirstExplored;
      depthFirstExplored = result.statesExplored;
      if (result.verdict === "linearizable") {
        return { verdict: "linearizable", statesExplored: explored };
      }
      if (result.verdict === "not-linearizable") {
        proven = "not-linearizable";
        // The verdict is settled; the prefix search below is explanation work.
        if (!wantPrefix) return { verdict: proven, statesExplored: explored };
      }
    }
    const model = new RegisterModel();
    const breadthFirstOps = model.compile(operations, true);
    const breadthFirst = frontierSearch(
      model,
      breadthFirstOps,
      proven !== undefined
        ? prefixMaxStates
        : budget === maxStates
        ? maxStates
        : Math.min(maxStates, Math.ceil(budget * weight)),
    );
    explored += breadthFirst.statesExplored;
    if (breadthFirst.verdict === "linearizable") {
      return { verdict: "linearizable", statesExplored: explored };
    }
    if (breadthFirst.verdict === "not-linearizable") {
      return {
        verdict: "not-linearizable",
        statesExplored: explored,
        failedAtLine: breadthFirst.failedAtLine,
        culpritValues: breadthFirst.culpritStates?.map((id) => model.value(id)),
        frontierValues: breadthFirst.frontierStates?.map((id) => model.value(id)),
      };
    }
    return { verdict: proven ?? "unknown", statesExplored: explored };
  };
  return { round };
}

/**
 * Finds one linearization of a register's operations with the depth-first search, for
 * explanations: the operations in order and the value after them.
 *
 * @param operations Operations of a single key, in invocation order.
 * @param maxStates The search budget.
 * @returns The order and final value, or `undefined` if none was found within the budget.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linearizationWitness } from "./depth_first.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 4 },
 *   { process: 1, type: "ok", f: "write", value: 4 },
 * ]);
 * assert.ok(linearizationWitness(ops, 100)?.value === 4);
 * ```
 */
export function linearizationWitness(
  operations: readonly Operation[],
  maxStates: number,
): { order: Operation[]; value: JsonValue } | undefined {
  const model = new RegisterModel();
  const compiled = model.compile(operations);
  const search = searchLinearization(model, compiled, { maxStates });
  if (search.order === undefined) return undefined;
  return {
    order: search.order.map((i) => compiled[i].source),
    value: model.value(search.finalState ?? 0),
  };
}
