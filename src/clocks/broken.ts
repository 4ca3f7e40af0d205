/**
 * Known-broken clock rules, kept on purpose: each is a plausible simplification that the
 * checkers in `causality.ts` must catch, and the page's "break it" section runs them.
 *
 * @module
 */

import type { ClockRules } from "./causality.ts";
import { hlcSend, type HlcTimestamp } from "./hlc.ts";
import { incrementVector, mergeVectors, type VectorClock, vectorClock } from "./vector_clock.ts";

/** Lamport receive without the max: `C := C + 1`, ignoring the message's timestamp. */
export const lamportWithoutMax: ClockRules<number> = {
  name: "lamport-without-max",
  initial: () => 0,
  tick: (time) => time + 1,
  receive: (time) => time + 1,
};

/** Vector receive that merges but forgets to tick its own entry. */
export const vectorWithoutIncrementOnReceive: ClockRules<VectorClock> = {
  name: "vector-without-increment-on-receive",
  initial: () => vectorClock(),
  tick: (vector, event) => incrementVector(vector, event.node),
  receive: (vector, message) => mergeVectors(vector, message),
};

/** Vector receive that merges with the pointwise minimum instead of the maximum. */
export const vectorMinMerge: ClockRules<VectorClock> = {
  name: "vector-min-merge",
  initial: () => vectorClock(),
  tick: (vector, event) => incrementVector(vector, event.node),
  receive: (vector, message, event) => {
    const min: Record<string, number> = {};
    for (const id of new Set([...Object.keys(vector), ...Object.keys(message)])) {
      min[id] = Math.min(vector[id] ?? 0, message[id] ?? 0);
    }
    return incrementVector(vectorClock(min), event.node);
  },
};

/** HLC receive that ignores the message's `l` (and `c`): it treats a receive as a send. */
export const hlcIgnoringReceivedL: ClockRules<HlcTimestamp> = {
  name: "hlc-ignoring-received-l",
  initial: () => ({ l: 0, c: 0 }),
  tick: (state, event) => hlcSend(state, event.pt!),
  receive: (state, _message, event) => hlcSend(state, event.pt!),
};

/** "HLC" that is just the physical clock: what last-writer-wins with wall clocks does. */
export const physicalTimeOnly: ClockRules<HlcTimestamp> = {
  name: "physical-time-only",
  initial: () => ({ l: 0, c: 0 }),
  tick: (_state, event) => ({ l: event.pt!, c: 0 }),
  receive: (_state, _message, event) => ({ l: event.pt!, c: 0 }),
};
