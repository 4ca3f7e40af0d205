/**
 * The LWW-Map: a map from keys to LWW registers, where a delete is a write of a tombstone
 * (`value: null`) with its own stamp, so a later put brings the key back and an earlier put
 * cannot (Shapiro et al. 2011, §3.2.1 applied per key; the "LWW-element map" of Riak and
 * Cassandra). Deltas carry only the key written.
 *
 * Non-goals: reclaiming tombstones (needs to know every replica has seen them: a stable
 * causal cut), nested CRDT values (an OR-Map).
 *
 * @module
 */

import type { LwwStamp } from "../clocks/mod.ts";
import { type LwwRegisterState, mergeLwwRegisters } from "./registers.ts";
import { badCrdtOp, type CrdtType } from "./types.ts";

/** An LWW-Map's state: each key's register; a null value is a tombstone. */
export type LwwMapState<T> = Readonly<Record<string, LwwRegisterState<T | null>>>;

/** Map operations, each with its write's stamp. */
export type LwwMapOp<T> =
  | { type: "put"; key: string; value: T; stamp: LwwStamp }
  | { type: "delete"; key: string; stamp: LwwStamp };

/**
 * The LWW-Map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyCrdtOp, lwwMap } from "./mod.ts";
 * const m = lwwMap<number>();
 * let s = applyCrdtOp(m, m.initial(), { type: "put", key: "x", value: 1, stamp: { l: 1, c: 0, node: "a" } }, "a").state;
 * const del = applyCrdtOp(m, s, { type: "delete", key: "x", stamp: { l: 2, c: 0, node: "b" } }, "b").state;
 * assert.deepEqual(m.value(del), {});
 * assert.deepEqual(m.value(m.merge(s, del)), {});
 * ```
 */
export function lwwMap<T = unknown>(): CrdtType<LwwMapState<T>, LwwMapOp<T>, Record<string, T>> {
  const name = "lww-map";
  return {
    name,
    initial: () => ({}),
    mutate(_state, op) {
      if ((op?.type !== "put" && op?.type !== "delete") || typeof op.key !== "string") {
        badCrdtOp(name, op);
      }
      const s = op.stamp;
      if (s === undefined || !Number.isFinite(s.l) || typeof s.node !== "string") {
        throw new RangeError(
          `${name}: a ${op.type} needs a stamp {l, c, node}, got ${JSON.stringify(s)}`,
        );
      }
      return { [op.key]: { value: op.type === "put" ? op.value : null, stamp: s } };
    },
    merge(a, b) {
      const out: Record<string, LwwRegisterState<T | null>> = { ...a };
      for (const [key, register] of Object.entries(b)) {
        out[key] = mergeLwwRegisters(out[key] ?? null, register);
      }
      return out;
    },
    value(state) {
      const out: Record<string, T> = {};
      for (const key of Object.keys(state).sort()) {
        const register = state[key];
        if (register !== null && register.value !== null) out[key] = register.value;
      }
      return out;
    },
  };
}
