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

import {
  canonicalJson,
  type HistoryEvent,
  type HistoryFunction,
  type JsonValue,
} from "./history.ts";
import type { Random } from "../../sim/random.ts";

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
 * @param random The kernel's seeded {@linkcode Random}.
 * @param options Size, concurrency and fault mix.
 * @returns The events in real-time order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateHistory } from "./generate.ts";
 * import { checkHistory } from "./checker.ts";
 * import { Random } from "../../sim/random.ts";
 * const events = generateHistory(new Random(7), { operations: 50, processes: 4 });
 * assert.ok(checkHistory(events).verdict === "linearizable");
 * ```
 */
export function generateHistory(
  random: Random,
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
    const process = random.int(0, processes - 1);
    const op = pending.get(process);
    if (op === undefined) {
      if (invoked >= operations) continue;
      invoked++;
      const f = random.pick(functions);
      const key = keys === 0 ? undefined : `k${random.int(0, keys - 1)}`;
      const current = registers.get(key) ?? null;
      const fresh = random.int(1, values);
      const value: JsonValue = f === "read"
        ? null
        : f === "write"
        ? fresh
        : f === "append"
        ? String.fromCharCode(96 + fresh)
        : [random.bool(0.5) ? current : random.pick([null, fresh]), random.int(1, values)];
      const next: Pending = { f, key, value };
      pending.set(process, next);
      emit(process, "invoke", next, f === "read" ? undefined : value);
      continue;
    }
    if (op.result === undefined) {
      if (mayFailBlindly(op.f) && random.bool(failProbability)) {
        pending.delete(process);
        emit(process, "fail", op, op.value);
      } else if (random.bool(infoProbability / 2)) {
        pending.delete(process); // crashed before taking effect
        emit(process, "info", op);
      } else {
        op.result = takeEffect(registers, op);
      }
      continue;
    }
    pending.delete(process);
    if (random.bool(infoProbability)) {
      emit(process, "info", op); // took effect, but the client never learned it
    } else {
      emit(process, op.result.type, op, op.result.value);
    }
  }
  // Leave the last few completions missing now and then: an unfinished history.
  if (random.bool(infoProbability * 10)) {
    while (events.length > 0 && events[events.length - 1].type !== "invoke" && random.bool(0.5)) {
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
      if (canonicalJson(current) !== canonicalJson(expected)) {
        return { type: "fail", value: op.value };
      }
      registers.set(op.key, next);
      return { type: "ok", value: op.value };
    }
  }
}
