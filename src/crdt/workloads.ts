/**
 * Random operations for each CRDT type, drawn from a small alphabet so that adds and removes
 * of the same element, and writes to the same key, collide often: collisions are where
 * conflict resolution shows.
 *
 * @module
 */

import type { LwwStamp } from "../clocks/mod.ts";
import type { Random } from "../sim/mod.ts";

/** Elements and keys the workloads draw from. */
export const CRDT_ALPHABET = ["a", "b", "c", "d", "e"] as const;

/**
 * A random operation for the named type. `stamp` is the write's timestamp, used by the LWW
 * types and ignored by the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../sim/mod.ts";
 * import { randomCrdtOp } from "./workloads.ts";
 * const op = randomCrdtOp("or-set", new Random(1), { l: 1, c: 0, node: "a" });
 * assert.ok(op.type === "add" || op.type === "remove");
 * ```
 */
export function randomCrdtOp(
  typeName: string,
  random: Random,
  stamp: LwwStamp,
): { type: string; [field: string]: unknown } {
  const base = typeName.split("/")[0];
  const element = random.pick(CRDT_ALPHABET);
  switch (base) {
    case "g-counter":
      return { type: "increment", by: random.int(1, 3) };
    case "pn-counter":
      return { type: random.bool(0.6) ? "increment" : "decrement", by: random.int(1, 3) };
    case "g-set":
      return { type: "add", element };
    case "2p-set":
    case "or-set":
      return { type: random.bool(0.6) ? "add" : "remove", element };
    case "lww-register":
    case "mv-register":
      return { type: "assign", value: `v${random.int(0, 99)}`, stamp };
    case "lww-map":
      return random.bool(0.7)
        ? { type: "put", key: element, value: random.int(0, 99), stamp }
        : { type: "delete", key: element, stamp };
    default:
      throw new RangeError(`randomCrdtOp: no workload for CRDT type "${typeName}"`);
  }
}
