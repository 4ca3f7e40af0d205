/**
 * Every CRDT type by name, correct and known-broken, so experiments, pages, tests and the
 * search pick one with a string (`crdtTypeByName("or-set")`).
 *
 * @module
 */

import { nameTombstoneSet, sumMergeCounter } from "./broken.ts";
import { gCounter, pnCounter } from "./counters.ts";
import { lwwMap } from "./maps.ts";
import { lwwRegister, mvRegister } from "./registers.ts";
import { gSet, orSet, twoPhaseSet } from "./sets.ts";
import type { AnyCrdtType } from "./types.ts";

/** The correct types' names. */
export const CRDT_TYPE_NAMES = [
  "g-counter",
  "pn-counter",
  "g-set",
  "2p-set",
  "or-set",
  "lww-register",
  "mv-register",
  "lww-map",
] as const;

/** The known-broken variants' names. */
export const BROKEN_CRDT_NAMES = ["g-counter/sum-merge", "or-set/name-tombstones"] as const;

/** A correct type's name. */
export type CrdtTypeName = (typeof CRDT_TYPE_NAMES)[number];
/** Any type's name, broken variants included. */
export type AnyCrdtTypeName = CrdtTypeName | (typeof BROKEN_CRDT_NAMES)[number];

const FACTORIES: Record<AnyCrdtTypeName, () => AnyCrdtType> = {
  "g-counter": gCounter,
  "pn-counter": pnCounter,
  "g-set": gSet,
  "2p-set": twoPhaseSet,
  "or-set": orSet,
  "lww-register": lwwRegister,
  "mv-register": mvRegister,
  "lww-map": lwwMap,
  "g-counter/sum-merge": sumMergeCounter,
  "or-set/name-tombstones": nameTombstoneSet,
};

/**
 * The CRDT type with this name.
 *
 * @throws {RangeError} naming the known types when the name is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtTypeByName } from "./catalog.ts";
 * assert.equal(crdtTypeByName("pn-counter").name, "pn-counter");
 * assert.throws(() => crdtTypeByName("x"), /Unknown CRDT type "x"/);
 * ```
 */
export function crdtTypeByName(name: string): AnyCrdtType {
  const factory = (FACTORIES as Record<string, () => AnyCrdtType>)[name];
  if (factory === undefined) {
    throw new RangeError(
      `Unknown CRDT type "${name}" (known: ${Object.keys(FACTORIES).join(", ")})`,
    );
  }
  return factory();
}
