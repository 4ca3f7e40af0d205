/**
 * Generates key-value histories shaped like Porcupine's `kv-c*` test histories (Athalye,
 * Porcupine, `test_data/kv`: the MIT 6.824 key-value service driven by many clients): many
 * clients on a few keys, puts and appends of distinct strings (`"x 3 17 y"`: client 3's
 * 17th operation), reads that return the whole concatenation, and, here, unknown outcomes
 * (`info`, or never completed). Porcupine's own files cannot be read here (no network), so
 * the benchmarks and tests run on these instead.
 *
 * Histories are linearizable by construction (each operation takes effect at one moment
 * between its invocation and its completion, as in generate.ts); `corruptKeys` then makes
 * chosen keys non-linearizable by adding a chunk no client ever wrote to one read's result,
 * which no order of the operations can produce (every chunk written contains a client and
 * an operation number, never the word `bad`).
 *
 * @module
 */

import type { HistoryEvent } from "./history.ts";
import type { Random } from "../../sim/random.ts";

/** Options of {@linkcode generateKvHistory}. */
export interface KvHistoryOptions {
  /**
   * Operations (invocations).
   * @default 3000
   */
  operations?: number;
  /**
   * Concurrent clients, numbered from 0.
   * @default 50
   */
  clients?: number;
  /**
   * Keys, named `"0"`, `"1"`, ...
   * @default 10
   */
  keys?: number;
  /**
   * Share of reads; the rest are split between appends (three quarters) and puts.
   * @default 0.5
   */
  readShare?: number;
  /**
   * Probability that an operation ends with `info` (before or after taking effect), or
   * stays open at the end.
   * @default 0.02
   */
  infoProbability?: number;
  /**
   * Keys made non-linearizable (each by one read that returns a chunk never written).
   * @default []
   */
  corruptKeys?: readonly string[];
  /**
   * Where the corrupted read is, as a share of that key's reads (0 the first, 1 the last).
   * @default 0.5
   */
  corruptAt?: number;
}

interface PendingKv {
  f: "read" | "write" | "append";
  key: string;
  value: string | null;
  /** Set once the operation took effect: what its completion reports. */
  result?: string | null;
}

/**
 * Generates a Porcupine-shaped key-value history.
 *
 * @param random The kernel's seeded `Random`.
 * @param options Size, concurrency, unknown outcomes and which keys to corrupt.
 * @returns The events in real-time order (model `kv`).
 * @throws {RangeError} when an option is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateKvHistory } from "./generate_kv.ts";
 * import { checkHistory } from "./checker.ts";
 * import { Random } from "../../sim/random.ts";
 * const ok = generateKvHistory(new Random(3), { operations: 200, clients: 10, keys: 3 });
 * assert.equal(checkHistory(ok, { model: "kv" }).verdict, "linearizable");
 * const bad = generateKvHistory(new Random(3), {
 *   operations: 200, clients: 10, keys: 3, corruptKeys: ["1"],
 * });
 * assert.equal(checkHistory(bad, { model: "kv" }).verdict, "not-linearizable");
 * ```
 */
export function generateKvHistory(random: Random, options: KvHistoryOptions = {}): HistoryEvent[] {
  const operations = options.operations ?? 3000;
  const clients = options.clients ?? 50;
  const keys = options.keys ?? 10;
  const readShare = options.readShare ?? 0.5;
  const infoProbability = options.infoProbability ?? 0.02;
  const corruptKeys = options.corruptKeys ?? [];
  const corruptAt = options.corruptAt ?? 0.5;
  const integer = (name: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`generateKvHistory: ${name} must be an integer >= ${min}, got ${value}`);
    }
  };
  integer("operations", operations, 0);
  integer("clients", clients, 1);
  integer("keys", keys, 1);
  for (
    const [name, value] of [["readShare", readShare], ["infoProbability", infoProbability], [
      "corruptAt",
      corruptAt,
    ]] as const
  ) {
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(`generateKvHistory: ${name} must be in [0, 1], got ${value}`);
    }
  }
  for (const key of corruptKeys) {
    if (!/^\d+$/.test(key) || Number(key) >= keys) {
      throw new RangeError(`generateKvHistory: corruptKeys has "${key}", not a key below ${keys}`);
    }
  }

  const store = new Map<string, string | null>();
  const pending = new Map<number, PendingKv>();
  const counters = new Array<number>(clients).fill(0);
  const events: HistoryEvent[] = [];
  let invoked = 0;
  while (invoked < operations || pending.size > 0) {
    const client = random.int(0, clients - 1);
    const op = pending.get(client);
    if (op === undefined) {
      if (invoked >= operations) continue;
      invoked++;
      const key = String(random.int(0, keys - 1));
      const draw = random.next();
      const f = draw < readShare
        ? "read"
        : draw < readShare + (1 - readShare) * 0.75
        ? "append"
        : "write";
      const value = f === "read" ? null : `x ${client} ${counters[client]++} y`;
      pending.set(client, { f, key, value });
      const event: HistoryEvent = { process: client, type: "invoke", f, key };
      if (value !== null) event.value = value;
      events.push(event);
      continue;
    }
    if (op.result === undefined) {
      if (random.bool(infoProbability / 2)) {
        pending.delete(client); // crashed before taking effect
        events.push({ process: client, type: "info", f: op.f, key: op.key });
        continue;
      }
      const current = store.get(op.key) ?? null;
      if (op.f === "read") op.result = current;
      else {
        store.set(op.key, op.f === "write" ? op.value : (current ?? "") + op.value);
        op.result = op.value;
      }
      continue;
    }
    pending.delete(client);
    events.push(
      random.bool(infoProbability)
        ? { process: client, type: "info", f: op.f, key: op.key }
        : { process: client, type: "ok", f: op.f, key: op.key, value: op.result },
    );
  }
  for (const key of corruptKeys) corruptRead(events, key, corruptAt);
  return events;
}

/** Adds a never-written chunk to one ok read of `key` (if it has any). */
function corruptRead(events: HistoryEvent[], key: string, at: number): void {
  const reads = events.filter((e) => e.type === "ok" && e.f === "read" && e.key === key);
  if (reads.length === 0) return;
  const read = reads[Math.min(reads.length - 1, Math.floor(at * reads.length))];
  read.value = `${typeof read.value === "string" ? read.value : ""}x bad y`;
}
