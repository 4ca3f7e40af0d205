/**
 * NTP's on-wire offset and delay estimation from four timestamps, and its clock filter.
 *
 * Source: D. Mills et al., RFC 5905 "Network Time Protocol Version 4", §8 (on-wire
 * protocol: offset θ = ((T2 − T1) + (T3 − T4)) / 2, delay δ = (T4 − T1) − (T3 − T2)) and
 * §10 (clock filter: of the recent samples, trust the one with the smallest delay).
 *
 * Guarantee: if the forward and return one-way delays are d₁ and d₂, the estimate's error is
 * exactly (d₁ − d₂)/2, so |error| ≤ δ/2 however asymmetric the path is. The estimate is
 * exact only for symmetric paths — a fact no protocol can measure around (the network is not
 * homogeneous; fallacy 8). Non-goals: the full NTP state machine (poll adaptation,
 * selection and clustering across servers — see `marzullo.ts`), drift during one exchange.
 *
 * @module
 */

/** The four timestamps of one NTP exchange. */
export interface NtpTimestamps {
  /** Client clock when the request left. */
  readonly t1: number;
  /** Server clock when the request arrived. */
  readonly t2: number;
  /** Server clock when the response left. */
  readonly t3: number;
  /** Client clock when the response arrived. */
  readonly t4: number;
}

/** One offset/delay sample. */
export interface NtpSample {
  /** Estimated server clock minus client clock. */
  readonly offsetMs: number;
  /** Round-trip network delay, excluding the server's processing time. */
  readonly delayMs: number;
  /** Bound on |estimated offset − true offset|: delay/2. */
  readonly errorBoundMs: number;
}

/**
 * Estimates offset and delay from one exchange (RFC 5905 §8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ntpSample } from "./ntp.ts";
 * // Server is 100 ms ahead; 10 ms each way; server holds the request 1 ms.
 * const sample = ntpSample({ t1: 0, t2: 110, t3: 111, t4: 21 });
 * assert.deepEqual(sample, { offsetMs: 100, delayMs: 20, errorBoundMs: 10 });
 * ```
 */
export function ntpSample(timestamps: NtpTimestamps): NtpSample {
  const { t1, t2, t3, t4 } = timestamps;
  for (const [name, value] of Object.entries(timestamps)) {
    if (!Number.isFinite(value)) {
      throw new RangeError(`NTP timestamp ${name} must be finite, got ${value}`);
    }
  }
  if (t3 < t2) {
    throw new RangeError(`NTP timestamps: server send t3=${t3} is before receive t2=${t2}`);
  }
  const offsetMs = ((t2 - t1) + (t3 - t4)) / 2;
  // A negative delay can only come from drift within the exchange; clamp it to zero.
  const delayMs = Math.max(0, (t4 - t1) - (t3 - t2));
  return { offsetMs, delayMs, errorBoundMs: delayMs / 2 };
}

/**
 * The error of an estimate on a path with one-way delays `forwardMs` and `returnMs`:
 * `(forwardMs − returnMs) / 2`. Useful to explain (and test) the asymmetric-path error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asymmetryErrorMs } from "./ntp.ts";
 * assert.equal(asymmetryErrorMs(30, 10), 10);
 * ```
 */
export function asymmetryErrorMs(forwardMs: number, returnMs: number): number {
  return (forwardMs - returnMs) / 2;
}

/**
 * The clock filter (RFC 5905 §10, simplified): of recent samples, the one with the
 * smallest delay, whose error bound is the tightest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ntpBestSample } from "./ntp.ts";
 * const best = ntpBestSample([
 *   { offsetMs: 9, delayMs: 40, errorBoundMs: 20 },
 *   { offsetMs: 4, delayMs: 8, errorBoundMs: 4 },
 * ]);
 * assert.equal(best.offsetMs, 4);
 * ```
 */
export function ntpBestSample(samples: readonly NtpSample[]): NtpSample {
  if (samples.length === 0) throw new RangeError("ntpBestSample needs at least one sample, got 0");
  return samples.reduce((best, s) => (s.delayMs < best.delayMs ? s : best));
}
