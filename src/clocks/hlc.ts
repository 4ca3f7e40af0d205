/**
 * Hybrid logical clocks (HLC): a physical-time component `l` plus a bounded counter `c`,
 * that respect causality like Lamport clocks and stay close to physical time.
 *
 * Source: S. Kulkarni, M. Demirbas, D. Madeppa, B. Avva, M. Leone, "Logical Physical Clocks
 * and Consistent Snapshots in Globally Distributed Databases", OPODIS 2014; the algorithm is
 * the figure "HLC algorithm", with one rule for "Send or local event" and one for
 * "Receive event of message m" (initially l := 0, c := 0).
 *
 * Guarantees, for every event f at a node whose physical clock reads `pt.f`, when all
 * physical clocks stay within `ε` of each other (the theorems proved for HLC in the paper):
 * - causality: `e → f ⇒ (l.e, c.e) < (l.f, c.f)` (lexicographic);
 * - `l.f ≥ pt.f` (l never falls behind the local physical clock);
 * - `l.f − pt.f ≤ ε` (l is never further ahead than the clock skew);
 * - `c` is bounded: it only grows along a causal chain of events sharing one `l`, so
 *   `c.f ≤ |{e : e → f, l.e = l.f}|`, and at most `N·(ε + 1)` when each node's `pt` ticks
 *   at least once (one time unit) between its events.
 * Non-goals: bounding skew itself (that is clock synchronisation's job); rejecting timestamps
 * from far-future clocks (production systems such as CockroachDB add a max-offset check).
 *
 * Physical readings are in whole time units (ms here); callers pass `Math.floor(now())`.
 *
 * @module
 */

/** An HLC timestamp: `l` (max physical time heard of) and `c` (tie-breaking counter). */
export interface HlcTimestamp {
  readonly l: number;
  readonly c: number;
}

function assertPhysical(pt: number): void {
  if (!Number.isInteger(pt) || pt < 0) {
    throw new RangeError(`HLC physical time pt must be a non-negative integer, got ${pt}`);
  }
}

/**
 * The zero timestamp, the state of a node before any event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcZero } from "./hlc.ts";
 * assert.deepEqual(hlcZero(), { l: 0, c: 0 });
 * ```
 */
export function hlcZero(): HlcTimestamp {
  return { l: 0, c: 0 };
}

/**
 * Send or local event (Kulkarni et al. 2014, HLC algorithm, rule "Send or local event"):
 * `l' := l; l := max(l', pt); c := (l = l') ? c + 1 : 0`.
 *
 * @param state The node's current HLC.
 * @param pt The node's physical clock reading, in whole units.
 * @returns The event's timestamp, which is the node's new state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcSend } from "./hlc.ts";
 * assert.deepEqual(hlcSend({ l: 10, c: 0 }, 12), { l: 12, c: 0 });
 * assert.deepEqual(hlcSend({ l: 10, c: 0 }, 7), { l: 10, c: 1 });
 * ```
 */
export function hlcSend(state: HlcTimestamp, pt: number): HlcTimestamp {
  assertPhysical(pt);
  const l = Math.max(state.l, pt);
  return { l, c: l === state.l ? state.c + 1 : 0 };
}

/**
 * Receive event of message `m` (Kulkarni et al. 2014, HLC algorithm, rule "Receive event of message m"):
 * `l' := l; l := max(l', l.m, pt)`; then `c := max(c, c.m) + 1` if `l = l' = l.m`,
 * `c + 1` if only `l = l'`, `c.m + 1` if only `l = l.m`, else `0`.
 *
 * @param state The receiver's current HLC.
 * @param message The timestamp carried by the message.
 * @param pt The receiver's physical clock reading, in whole units.
 * @returns The receive event's timestamp, which is the receiver's new state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hlcReceive } from "./hlc.ts";
 * // The sender's clock is ahead: adopt its l and count past its c.
 * assert.deepEqual(hlcReceive({ l: 10, c: 0 }, { l: 15, c: 2 }, 11), { l: 15, c: 3 });
 * ```
 */
export function hlcReceive(
  state: HlcTimestamp,
  message: HlcTimestamp,
  pt: number,
): HlcTimestamp {
  assertPhysical(pt);
  const l = Math.max(state.l, message.l, pt);
  let c: number;
  if (l === state.l && l === message.l) c = Math.max(state.c, message.c) + 1;
  else if (l === state.l) c = state.c + 1;
  else if (l === message.l) c = message.c + 1;
  else c = 0;
  return { l, c };
}

/**
 * Lexicographic order on `(l, c)`: negative, zero or positive like a sort comparator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareHlc } from "./hlc.ts";
 * assert.ok(compareHlc({ l: 5, c: 9 }, { l: 6, c: 0 }) < 0);
 * ```
 */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.l !== b.l ? a.l - b.l : a.c - b.c;
}

/**
 * Formats a timestamp as `l.c`, e.g. `1042.3`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatHlc } from "./hlc.ts";
 * assert.equal(formatHlc({ l: 1042, c: 3 }), "1042.3");
 * ```
 */
export function formatHlc(timestamp: HlcTimestamp): string {
  return `${timestamp.l}.${timestamp.c}`;
}
