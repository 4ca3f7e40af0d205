/**
 * Cristian's algorithm: ask a time server, and assume the reply spent half the round trip
 * in flight.
 *
 * Source: F. Cristian, "Probabilistic Clock Synchronization", Distributed Computing 3(3),
 * 1989 (the estimate `T + RTT/2` and its error bound `RTT/2 − min`, where `min` is the
 * minimum one-way delay).
 *
 * Guarantee: the estimate is within `RTT/2 − minDelayMs` of the server's clock at the
 * moment the reply arrives. Non-goals: server faults, drift during the round trip.
 *
 * @module
 */

/** One Cristian exchange, on the client's clock except `serverTimeMs`. */
export interface CristianExchange {
  /** Client clock when the request left. */
  readonly requestSentMs: number;
  /** The server's clock reading placed in the reply. */
  readonly serverTimeMs: number;
  /** Client clock when the reply arrived. */
  readonly replyReceivedMs: number;
}

/** Cristian's estimate. */
export interface CristianEstimate {
  /** Estimated server clock minus client clock at reply arrival. */
  readonly offsetMs: number;
  /** Round-trip time measured by the client. */
  readonly roundTripMs: number;
  /** Bound on the estimate's error: RTT/2 − minDelayMs. */
  readonly errorBoundMs: number;
}

/**
 * Estimates the client's offset from one exchange (Cristian 1989).
 *
 * @param exchange The three readings.
 * @param options `minDelayMs`, a known lower bound on one-way delay (@default 0).
 * @returns Offset, round trip and error bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cristianEstimate } from "./cristian.ts";
 * const estimate = cristianEstimate({ requestSentMs: 0, serverTimeMs: 510, replyReceivedMs: 20 });
 * assert.deepEqual(estimate, { offsetMs: 500, roundTripMs: 20, errorBoundMs: 10 });
 * ```
 */
export function cristianEstimate(
  exchange: CristianExchange,
  options: { minDelayMs?: number } = {},
): CristianEstimate {
  const { minDelayMs = 0 } = options;
  const roundTripMs = exchange.replyReceivedMs - exchange.requestSentMs;
  if (!(roundTripMs >= 0)) {
    throw new RangeError(
      `Cristian exchange: reply received before the request was sent (RTT ${roundTripMs} ms)`,
    );
  }
  if (!(minDelayMs >= 0) || minDelayMs > roundTripMs / 2) {
    throw new RangeError(
      `Cristian minDelayMs must be within [0, RTT/2 = ${roundTripMs / 2}], got ${minDelayMs}`,
    );
  }
  const offsetMs = exchange.serverTimeMs + roundTripMs / 2 - exchange.replyReceivedMs;
  return { offsetMs, roundTripMs, errorBoundMs: roundTripMs / 2 - minDelayMs };
}
