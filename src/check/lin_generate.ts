/**
 * Generates histories that are linearizable by construction: simulated clients run
 * operations against real registers, and each operation takes effect at one random moment
 * between its invocation and its completion (its linearization point). Some operations fail
 * before taking effect, some end with `info` (before or after taking effect), some never
 * complete. Used by the property tests and the benchmarks.
 *
 * Randomness is injected (`random`), so the same seed gives the same history.
 *
 * @module
 */

import type { HistoryEvent, HistoryFunction, JsonValue } from "./history.ts";

/** Options of {@linkcode generateHistory}. */
export interface GenerateOptions {
  /**
   * Number of operations (invocations).
   * @default 100
   */
  operations?: number;
  /**
   * Concurrent client processes, numbered from 0.
   * @default 5
   */
  processes?: number;
  /**
   * Keys; 0 means the single unnamed register.
   * @default 0
   */
  keys?: number;
  /**
   * Distinct values written (1..values); small means many equal values, which is hard.
   * @default 5
   */
  values?: number;
  /**
   * Functions to draw from.
   * @default ["read", "write", "cas"]
   */
  functions?: HistoryFunction[];
  /**
   * Probability that a completion is `info` (outcome unknown) or is missing at the end.
   * @default 0.05
   */
  infoProbability?: number;
  /**
   * Probability that a write, append or cas fails without taking effect.
   * @default 0.05
   */
  failProbability?: number;
}

interface Pending {
  f: HistoryFunction;
  key?: string;
  value: JsonValue;
  /** Set once the operation took effect: what its completion reports. */
  result?: { type: "ok" | "fail"; value: JsonValue };
}

/**
 * Generates a linearizable history.
 *
 * @param random A function returning uniform numbers in [0, 1) (e.g. {@linkcode mulberry32}).
 * @param options Size, concurrency and fault mix.
 * @returns The events in real-time order.
 *
 * @example
 * ```ts
 * import { generateHistory, mulberry32 } from "./lin_generate.ts";
 * import { checkHistory } from "./linearizability.ts";
 * const events = generateHistory(mulberry32(7), { operations: 50, processes: 4 });
 * console.assert(checkHistory(events).verdict === "linearizable");
 * ```
 */
export function generateHistory(
  random: () => number,
  options: GenerateOptions = {},
): HistoryEvent[] {
  const operations = options.operations ?? 100;
  const processes = options.processes ?? 5;
  const keys = options.keys ?? 0;
  const values = options.values ?? 5;
  const functions = options.functions ?? ["read", "write", "cas"];
  const infoProbability = options.infoProbability ?? 0.05;
  const failProbability = options.failProbability ?? 0.05;
  if (processes < 1) {
    throw new RangeError(`generateHistory: processes must be >= 1, got ${processes}`);
  }
  if (functions.length === 0) throw new RangeError("generateHistory: functions must not be empty");

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const registers = new Map<string | undefined, JsonValue>();
  const pending = new Map<number, Pending>();
  const events: HistoryEvent[] = [];
  let invoked = 0;
  const emit = (process: number, type: HistoryEvent["type"], op: Pending, value?: JsonValue) => {
    const event: HistoryEvent = { process, type, f: op.f };
    if (op.key !== undefined) event.key = op.key;
    if (value !== undefined) event.value = value;
    events.push(event);
  };

  while (invoked < operations || pending.size > 0) {
    const process = Math.floor(random() * processes);
    const op = pending.get(process);
    if (op === undefined) {
      if (invoked >= operations) continue;
      invoked++;
      const f = pick(functions);
      const key = keys === 0 ? undefined : `k${Math.floor(random() * keys)}`;
      const current = registers.get(key) ?? null;
      const fresh = 1 + Math.floor(random() * values);
      const value: JsonValue = f === "read"
        ? null
        : f === "write"
        ? fresh
        : f === "append"
        ? String.fromCharCode(96 + fresh)
        : [chance(0.5) ? current : pick([null, fresh]), 1 + Math.floor(random() * values)];
      const next: Pending = { f, key, value };
      pending.set(process, next);
      emit(process, "invoke", next, f === "read" ? undefined : value);
      continue;
    }
    if (op.result === undefined) {
      if (mayFailBlindly(op.f) && chance(failProbability)) {
        pending.delete(process);
        emit(process, "fail", op, op.value);
      } else if (chance(infoProbability / 2)) {
        pending.delete(process); // crashed before taking effect
        emit(process, "info", op);
      } else {
        op.result = takeEffect(registers, op);
      }
      continue;
    }
    pending.delete(process);
    if (chance(infoProbability)) {
      emit(process, "info", op); // took effect, but the client never learned it
    } else {
      emit(process, op.result.type, op, op.result.value);
    }
  }
  // Leave the last few completions missing now and then: an unfinished history.
  if (chance(infoProbability * 10)) {
    while (events.length > 0 && events[events.length - 1].type !== "invoke" && chance(0.5)) {
      events.pop();
    }
  }
  return events;
}

/** Writes and appends may fail without effect; a failed cas is an observation instead. */
function mayFailBlindly(f: HistoryFunction): boolean {
  return f === "write" || f === "append";
}

/** Applies the operation to the registers (its linearization point) and returns its result. */
function takeEffect(
  registers: Map<string | undefined, JsonValue>,
  op: Pending,
): { type: "ok" | "fail"; value: JsonValue } {
  const current = registers.get(op.key) ?? null;
  switch (op.f) {
    case "read":
      return { type: "ok", value: current };
    case "write":
      registers.set(op.key, op.value);
      return { type: "ok", value: op.value };
    case "append":
      // Appending to a number is impossible in the model, so such an append fails.
      if (current !== null && typeof current !== "string") return { type: "fail", value: op.value };
      registers.set(op.key, (current ?? "") + op.value);
      return { type: "ok", value: op.value };
    case "cas": {
      const [expected, next] = op.value as JsonValue[];
      if (JSON.stringify(current) !== JSON.stringify(expected)) {
        return { type: "fail", value: op.value };
      }
      registers.set(op.key, next);
      return { type: "ok", value: op.value };
    }
  }
}

/**
 * A small seeded PRNG (mulberry32) for tests and benchmarks that need a reproducible
 * `random` outside the simulator.
 *
 * @param seed Any 32-bit integer.
 * @returns A function returning uniform numbers in [0, 1).
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./lin_generate.ts";
 * const a = mulberry32(1);
 * const b = mulberry32(1);
 * console.assert(a() === b());
 * ```
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
