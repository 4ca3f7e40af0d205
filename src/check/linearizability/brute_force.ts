/**
 * A deliberately naive linearizability checker: it tries every order of the operations that
 * respects real time, and every choice of dropping operations with an unknown outcome. It
 * shares no code with the fast checker beyond parsing, so the two can be compared on small
 * histories (differential testing). Exponential: keep histories to about eight operations.
 *
 * @module
 */

import { canonicalJson, type HistoryEvent, type JsonValue } from "./history.ts";

interface NaiveOp {
  f: HistoryEvent["f"];
  key: string;
  value: JsonValue | undefined;
  result: "ok" | "fail" | "unknown";
  invoke: number;
  complete: number;
}

/**
 * Decides linearizability by exhaustive search (every key at once, no partitioning, no
 * memoisation). Events must already be valid (see `parseHistory`).
 *
 * @param events A valid history.
 * @returns Whether some real-time-respecting order of the operations is legal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bruteForceLinearizable } from "./brute_force.ts";
 * assert.ok(!bruteForceLinearizable([
 *   { process: 1, type: "invoke", f: "write", value: 1 },
 *   { process: 1, type: "ok", f: "write", value: 1 },
 *   { process: 2, type: "invoke", f: "read" },
 *   { process: 2, type: "ok", f: "read", value: null },
 * ]));
 * ```
 */
export function bruteForceLinearizable(events: readonly HistoryEvent[]): boolean {
  const ops: NaiveOp[] = [];
  const open = new Map<number, NaiveOp>();
  events.forEach((event, line) => {
    if (event.type === "invoke") {
      const op: NaiveOp = {
        f: event.f,
        key: JSON.stringify(event.key ?? null),
        value: event.value,
        result: "unknown",
        invoke: line,
        complete: Infinity,
      };
      ops.push(op);
      open.set(event.process, op);
      return;
    }
    const op = open.get(event.process)!;
    open.delete(event.process);
    if (event.type === "info") return;
    op.result = event.type;
    op.complete = line;
    if (op.f === "read") op.value = event.value;
  });

  // Ops that must be placed: every ok or fail op. Unknown ones may be placed or not.
  const required = ops.filter((op) => op.result !== "unknown").length;
  const placed = new Set<NaiveOp>();
  const registers = new Map<string, JsonValue>();
  const get = (key: string): JsonValue => registers.get(key) ?? null;

  const apply = (op: NaiveOp): { ok: boolean; next?: JsonValue } => {
    const current = get(op.key);
    const same = (a: JsonValue | undefined, b: JsonValue | undefined) =>
      canonicalJson(a ?? null) === canonicalJson(b ?? null);
    switch (op.f) {
      case "read":
        // A read that failed or whose result is unknown observed nothing.
        return { ok: op.result !== "ok" || same(current, op.value), next: current };
      case "write":
        return op.result === "fail" ? { ok: true, next: current } : { ok: true, next: op.value };
      case "append":
        if (op.result === "fail") return { ok: true, next: current };
        if (current !== null && typeof current !== "string") return { ok: false };
        return { ok: true, next: (current ?? "") + (op.value as string) };
      case "cas": {
        const [expected, replacement] = op.value as JsonValue[];
        if (op.result === "fail") return { ok: !same(current, expected), next: current };
        return same(current, expected) ? { ok: true, next: replacement } : { ok: false };
      }
    }
  };

  const search = (placedRequired: number): boolean => {
    if (placedRequired === required) return true;
    for (const op of ops) {
      if (placed.has(op)) continue;
      // Real-time order: every op that completed before this one was invoked goes first.
      const blocked = ops.some((other) =>
        other !== op && !placed.has(other) && other.complete < op.invoke
      );
      if (blocked) continue;
      const effect = apply(op);
      if (!effect.ok) continue;
      const before = get(op.key);
      registers.set(op.key, effect.next ?? null);
      placed.add(op);
      if (search(placedRequired + (op.result === "unknown" ? 0 : 1))) return true;
      placed.delete(op);
      registers.set(op.key, before);
    }
    return false;
  };
  return search(0);
}
