/**
 * Versions of replicated values: a position in a leader's log (`epoch`, `index`) or a quorum
 * timestamp (`counter`, `writer`). Both are totally ordered, so "newest wins" is well defined;
 * what a version does not capture is causality between concurrent writers (see the siblings
 * strategy in `multi_leader.ts` for that).
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";

/**
 * A totally ordered version: compared by `counter`, then by `writer` as a tie-break
 * (Lamport's total order, "Time, Clocks, and the Ordering of Events", §3).
 */
export interface ReplicaVersion {
  /** Log epoch times a large constant plus index, or a quorum write's timestamp. */
  counter: number;
  /** Who made the version: breaks ties between equal counters. */
  writer: NodeId;
}

/** The version below every real one: what a replica holds for a key it never saw. */
export const NO_VERSION: Readonly<ReplicaVersion> = Object.freeze({ counter: 0, writer: "" });

/**
 * Compares two versions: negative when `a` is older, 0 when equal, positive when newer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVersions } from "./versions.ts";
 * assert.ok(compareVersions({ counter: 1, writer: "b" }, { counter: 2, writer: "a" }) < 0);
 * assert.ok(compareVersions({ counter: 2, writer: "b" }, { counter: 2, writer: "a" }) > 0);
 * assert.equal(compareVersions({ counter: 2, writer: "a" }, { counter: 2, writer: "a" }), 0);
 * ```
 */
export function compareVersions(a: ReplicaVersion, b: ReplicaVersion): number {
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}

/**
 * The newer of two versions (the first when equal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newerVersion } from "./versions.ts";
 * assert.deepEqual(newerVersion({ counter: 3, writer: "a" }, { counter: 1, writer: "z" }), { counter: 3, writer: "a" });
 * ```
 */
export function newerVersion(a: ReplicaVersion, b: ReplicaVersion): ReplicaVersion {
  return compareVersions(a, b) >= 0 ? a : b;
}

// A log position (epoch, index) as one counter; indexes stay far below this in any run.
const EPOCH_SPAN = 1_000_000;

/**
 * The version of the log entry at `index` written in `epoch`: later epochs win, then later
 * indexes (the order a leader-follower log imposes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVersions, logVersion } from "./versions.ts";
 * assert.ok(compareVersions(logVersion(2, 1), logVersion(1, 900)) > 0);
 * ```
 */
export function logVersion(epoch: number, index: number): ReplicaVersion {
  if (!(Number.isInteger(index) && index >= 0 && index < EPOCH_SPAN)) {
    throw new RangeError(`Log index must be an integer in [0, ${EPOCH_SPAN}), got ${index}`);
  }
  return { counter: epoch * EPOCH_SPAN + index, writer: "" };
}
