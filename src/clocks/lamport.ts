/**
 * Lamport clocks: a counter per process that orders events consistently with causality.
 *
 * Source: L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
 * CACM 21(7), 1978, section "Logical Clocks" (the clock condition and implementation rules IR1 and IR2).
 *
 * Guarantee (the clock condition): if event `a` happened before event `b`, then
 * `C(a) < C(b)`. Non-goal: the converse does not hold; equal or ordered Lamport times say
 * nothing about whether two events are causally related (use vector clocks for that).
 *
 * @module
 */

/** A Lamport timestamp: a non-negative integer. */
export type LamportTime = number;

function assertLamportTime(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`Lamport time ${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Advances a clock for a local or send event (IR1: increment between successive events).
 *
 * @param time The process's current Lamport time.
 * @returns The timestamp of the new event, which is also the new clock value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lamportTick } from "./lamport.ts";
 * assert.equal(lamportTick(4), 5);
 * ```
 */
export function lamportTick(time: LamportTime): LamportTime {
  assertLamportTime("time", time);
  return time + 1;
}

/**
 * Advances a clock for the receipt of a message stamped `received` (IR2: the receiver's
 * clock moves past the timestamp carried by the message, then ticks).
 *
 * @param local The receiver's current Lamport time.
 * @param received The timestamp carried by the message.
 * @returns The timestamp of the receive event: `max(local, received) + 1`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lamportReceive } from "./lamport.ts";
 * assert.equal(lamportReceive(2, 9), 10);
 * assert.equal(lamportReceive(12, 9), 13);
 * ```
 */
export function lamportReceive(local: LamportTime, received: LamportTime): LamportTime {
  assertLamportTime("local", local);
  assertLamportTime("received", received);
  return Math.max(local, received) + 1;
}
