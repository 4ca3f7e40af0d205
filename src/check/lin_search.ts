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
 * longest prefix of definite operations (in call order) all linearized, the definite
 * operations beyond `p` that are linearized, and a bitset of the linearized unknown ones.
 * Definite operations linearized beyond `p` were all called before the pending return of
 * operation `p`, so that list stays as short as the concurrency.
 *
 * @module
 */

import type { JsonValue, Operation } from "./history.ts";
import { INVALID, type ModelOperation, OpCode, RegisterModel } from "./lin_model.ts";

/** Limits and probes of {@linkcode searchLinearization}. */
export interface SearchOptions {
  /** Configurations to explore before giving up with `unknown`. */
  maxStates: number;
  /**
   * Index (into the operations) of an operation to watch: the values in which the search
   * tried to linearize it and could not are collected in `watchedStates`.
   */
  watch?: number;
}

/** Outcome of {@linkcode searchLinearization}. */
export interface SearchResult {
  verdict: "linearizable" | "not-linearizable" | "unknown";
  /** Distinct configurations explored. */
  statesExplored: number;
  /** When linearizable: operation indices in a valid linearization order. */
  order?: number[];
  /** When linearizable: the value id after that order. */
  finalState?: number;
  /** Value ids in which the watched operation could not take effect (see `watch`). */
  watchedStates?: number[];
  /** Value ids in which the watched operation took effect but led nowhere. */
  watchedAppliedStates?: number[];
}

const END = -1;

/**
 * Searches for a linearization of one register's operations.
 *
 * @param model The register model the operations were compiled with.
 * @param operations Compiled operations in invocation order.
 * @param options The state budget and an optional watched operation.
 * @returns The verdict, the work done and, if linearizable, a witness order.
 *
 * @example
 * ```ts
 * import { RegisterModel } from "./lin_model.ts";
 * import { searchLinearization } from "./lin_search.ts";
 * import { pairOperations } from "./history.ts";
 * const model = new RegisterModel();
 * const ops = model.compile(pairOperations([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "read" },
 *   { process: 2, type: "ok", f: "read", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 * ]));
 * const result = searchLinearization(model, ops, { maxStates: 1000 });
 * console.assert(result.verdict === "linearizable" && result.order?.join() === "0,1");
 * ```
 */
export function searchLinearization(
  model: RegisterModel,
  operations: readonly ModelOperation[],
  options: SearchOptions,
): SearchResult {
  const n = operations.length;
  // Entries: 0 is the list head; call entry of op i and its return entry (definite ops only).
  const points: { line: number; entry: number }[] = [];
  const entryOp = new Int32Array(2 * n + 1);
  const entryIsCall = new Uint8Array(2 * n + 1);
  const callEntry = new Int32Array(n);
  const returnEntry = new Int32Array(n).fill(END);
  let entries = 1;
  const defIndex = new Int32Array(n).fill(-1);
  // Unknown-outcome ops with the same effect are interchangeable: if a linearization uses a
  // later-invoked one, swapping in the earliest unused one (available at least as early, and
  // never forced) is also a linearization. So only the earliest unlinearized op of each class
  // is tried, the linearized ones of a class are always a prefix of it, and the configuration
  // records just how many of each class are linearized.
  const infoClass = new Int32Array(n).fill(-1);
  const classMembers: number[][] = [];
  const classOf = new Map<string, number>();
  const definiteOps: number[] = [];
  let infoCount = 0;
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
    } else {
      infoCount++;
      const signature = `${op.code}:${op.a}:${op.b}:${op.text}`;
      let c = classOf.get(signature);
      if (c === undefined) {
        c = classMembers.length;
        classOf.set(signature, c);
        classMembers.push([]);
      }
      infoClass[i] = c;
      classMembers[c].push(i);
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
  const configurationKey = (state: number): string => {
    let key = `${state}:${prefix}`;
    let beyond = linearizedDefCount - prefix;
    for (let d = prefix + 1; beyond > 0; d++) {
      if (linearizedDef[d] === 1) {
        key += `,${d}`;
        beyond--;
      }
    }
    if (linearizedInfoCount > 0) {
      let top = classLinearized.length - 1;
      while (classLinearized[top] === 0) top--;
      key += "|";
      for (let c = 0; c <= top; c++) key += `${classLinearized[c]}.`;
    }
    return key;
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

  const seen = new Set<string>();
  const stack: { op: number; state: number }[] = [];
  const watched = new Set<number>();
  const watchedApplied = new Set<number>();
  const watch = options.watch ?? -1;
  let state = 0;
  let remaining = definiteOps.length;
  let entry = next[0];
  const finish = (verdict: SearchResult["verdict"]): SearchResult => {
    const result: SearchResult = { verdict, statesExplored: seen.size };
    if (verdict === "linearizable") {
      result.order = stack.map((frame) => frame.op);
      result.finalState = state;
    }
    if (watch >= 0) {
      result.watchedStates = [...watched].sort((x, y) => x - y);
      result.watchedAppliedStates = [...watchedApplied].sort((x, y) => x - y);
    }
    return result;
  };

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
        if (i === watch) watched.add(state);
        entry = next[entry];
        continue;
      }
      mark(i);
      const key = configurationKey(nextState);
      if (seen.has(key)) {
        unmark(i);
        entry = next[entry];
        continue;
      }
      seen.add(key);
      if (seen.size > options.maxStates) return finish("unknown");
      if (i === watch) watchedApplied.add(state);
      stack.push({ op: i, state });
      state = nextState;
      lift(i);
      if (operations[i].definite) remaining--;
      entry = next[0];
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
}

/** A search result over history operations, with value ids decoded. */
export interface RegisterSearchResult {
  verdict: SearchResult["verdict"];
  statesExplored: number;
  /** When linearizable: the operations placed, in a valid linearization order. */
  order?: Operation[];
  /** When linearizable: the register's value after that order. */
  finalValue?: JsonValue;
  /** Values in which the watched operation could not take effect. */
  watchedValues?: JsonValue[];
  /** Values in which the watched operation took effect, yet no linearization followed. */
  watchedAppliedValues?: JsonValue[];
}

/**
 * Checks one register's history operations: compiles them and runs
 * {@linkcode searchLinearization}.
 *
 * @param operations Operations of a single key, in invocation order.
 * @param maxStates The search budget.
 * @param watch `Operation.index` of an operation whose placements to record.
 * @returns The verdict with decoded values.
 *
 * @example
 * ```ts
 * import { checkRegisterOperations } from "./lin_search.ts";
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "cas", value: [null, 1] },
 *   { process: 1, type: "fail", f: "cas" },
 * ]);
 * console.assert(checkRegisterOperations(ops, 100).verdict === "not-linearizable");
 * ```
 */
export function checkRegisterOperations(
  operations: readonly Operation[],
  maxStates: number,
  watch?: number,
): RegisterSearchResult {
  const model = new RegisterModel();
  const compiled = model.compile(operations);
  const watchIndex = watch === undefined
    ? -1
    : compiled.findIndex((op) => op.source.index === watch);
  const search = searchLinearization(model, compiled, { maxStates, watch: watchIndex });
  const decode = (ids: number[] | undefined) => ids?.map((id) => model.value(id));
  const result: RegisterSearchResult = {
    verdict: search.verdict,
    statesExplored: search.statesExplored,
  };
  if (search.order !== undefined) {
    result.order = search.order.map((i) => compiled[i].source);
    result.finalValue = model.value(search.finalState ?? 0);
  }
  if (watchIndex >= 0) {
    result.watchedValues = decode(search.watchedStates);
    result.watchedAppliedValues = decode(search.watchedAppliedStates);
  }
  return result;
}
