/**
 * A node's physical clock: an offset from true time, a drift rate in parts per million, and
 * steps (jumps) such as an NTP correction or an operator setting the time.
 *
 * Two readings, as on real hosts: the wall clock (`nowMs`), which steps and can go backwards,
 * and the monotonic clock (`monotonicMs`), which only drifts. Timers run on the monotonic
 * clock, so a node with a fast clock fires its timeouts early in true time.
 *
 * Guarantees: readings are a pure function of true time and the clock's history.
 * Non-goals: leap seconds, frequency noise (drift is piecewise constant).
 *
 * @module
 */

/** How a node's clock starts. */
export interface ClockOptions {
  /** Wall-clock offset from true time at true time 0. @default 0 */
  offsetMs?: number;
  /** Rate error: +100 means the clock gains 100 µs per second. @default 0 */
  driftPpm?: number;
}

/** The largest drift accepted, ±50% (real quartz is within ±100 ppm). */
export const MAX_DRIFT_PPM = 500_000;

function validateDrift(driftPpm: number): void {
  if (!Number.isFinite(driftPpm) || Math.abs(driftPpm) > MAX_DRIFT_PPM) {
    throw new RangeError(
      `driftPpm must be a number in [-${MAX_DRIFT_PPM}, ${MAX_DRIFT_PPM}], got ${driftPpm}`,
    );
  }
}

/**
 * A piecewise-linear clock driven by true (simulated) time.
 *
 * @example
 * ```ts
 * import { NodeClock } from "./clock.ts";
 * const clock = new NodeClock({ offsetMs: 5, driftPpm: 1000 });
 * clock.nowMs(1000); // 5 + 1000 * 1.001 = 1006
 * clock.jump(1000, -10); // an operator steps the wall clock back 10 ms
 * clock.nowMs(1000); // 996
 * ```
 */
export class NodeClock {
  #anchorTrueMs = 0;
  #anchorWallMs: number;
  #anchorMonotonicMs = 0;
  #rate: number;
  #driftPpm: number;

  constructor(options: ClockOptions = {}) {
    const offsetMs = options.offsetMs ?? 0;
    const driftPpm = options.driftPpm ?? 0;
    if (!Number.isFinite(offsetMs)) {
      throw new RangeError(`offsetMs must be finite, got ${offsetMs}`);
    }
    validateDrift(driftPpm);
    this.#anchorWallMs = offsetMs;
    this.#driftPpm = driftPpm;
    this.#rate = 1 + driftPpm / 1e6;
  }

  /** Current drift in ppm. */
  get driftPpm(): number {
    return this.#driftPpm;
  }

  /** Ticks of this clock per true millisecond. */
  get rate(): number {
    return this.#rate;
  }

  /** Wall-clock reading at true time `trueMs`. */
  nowMs(trueMs: number): number {
    return this.#anchorWallMs + (trueMs - this.#anchorTrueMs) * this.#rate;
  }

  /** Monotonic reading at true time `trueMs` (starts at 0, never steps). */
  monotonicMs(trueMs: number): number {
    return this.#anchorMonotonicMs + (trueMs - this.#anchorTrueMs) * this.#rate;
  }

  /** Wall-clock offset from true time at `trueMs`. */
  offsetMs(trueMs: number): number {
    return this.nowMs(trueMs) - trueMs;
  }

  /** True-time duration for `localMs` of this clock's ticks (how long a timer really takes). */
  trueDurationMs(localMs: number): number {
    return localMs / this.#rate;
  }

  /** Steps the wall clock by `deltaMs` at true time `trueMs` (monotonic clock unaffected). */
  jump(trueMs: number, deltaMs: number): void {
    if (!Number.isFinite(deltaMs)) {
      throw new RangeError(`Clock jump must be finite, got ${deltaMs}`);
    }
    this.#reanchor(trueMs);
    this.#anchorWallMs += deltaMs;
  }

  /** Changes the drift rate from true time `trueMs` on. */
  setDrift(trueMs: number, driftPpm: number): void {
    validateDrift(driftPpm);
    this.#reanchor(trueMs);
    this.#driftPpm = driftPpm;
    this.#rate = 1 + driftPpm / 1e6;
  }

  #reanchor(trueMs: number): void {
    this.#anchorWallMs = this.nowMs(trueMs);
    this.#anchorMonotonicMs = this.monotonicMs(trueMs);
    this.#anchorTrueMs = trueMs;
  }
}
