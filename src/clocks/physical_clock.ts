/**
 * A model of a physical (hardware) clock: an offset, a rate error in parts per million,
 * steps, and the two readings operating systems expose — a wall clock that can jump
 * (backwards too) and a monotonic clock that never goes back.
 *
 * The model is piecewise linear in true time: every step or rate change starts a new
 * segment at an anchor `(trueMs, wallMs, monotonicMs)`. Values are immutable; the
 * simulator's per-node clock can be described by (and checked against) one of these.
 *
 * Guarantees: `readMonotonic` is non-decreasing in true time whatever steps are applied;
 * `readWall` equals `offsetMs + trueMs·(1 + driftPpm·10⁻⁶)` until the first step.
 * Non-goals: temperature-dependent drift, leap seconds, slewing (model slewing as a
 * temporary `setDrift`).
 *
 * @module
 */

/** An immutable physical clock: the current linear segment. */
export interface PhysicalClock {
  /** True time at which the current segment starts. */
  readonly anchorTrueMs: number;
  /** Wall-clock reading at the anchor. */
  readonly anchorWallMs: number;
  /** Monotonic reading at the anchor. */
  readonly anchorMonotonicMs: number;
  /** Rate error: the clock advances `1 + driftPpm·10⁻⁶` ms per true ms. */
  readonly driftPpm: number;
}

/** Options of {@linkcode physicalClock}. */
export interface PhysicalClockOptions {
  /** Wall reading minus true time at `startTrueMs`. @default 0 */
  offsetMs?: number;
  /** Rate error in parts per million; quartz is typically within ±100. @default 0 */
  driftPpm?: number;
  /** True time at which the clock is created. @default 0 */
  startTrueMs?: number;
}

/** The largest rate error accepted, ±10⁵ ppm (10 %): beyond that it is not a clock. */
export const MAX_DRIFT_PPM = 100_000;

function assertDrift(driftPpm: number): void {
  if (!Number.isFinite(driftPpm) || Math.abs(driftPpm) > MAX_DRIFT_PPM) {
    throw new RangeError(
      `Clock driftPpm must be within ±${MAX_DRIFT_PPM}, got ${driftPpm}`,
    );
  }
}

/**
 * Creates a clock with an initial offset and drift.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { physicalClock, readWall } from "./physical_clock.ts";
 * const clock = physicalClock({ offsetMs: 5, driftPpm: 100 });
 * assert.equal(readWall(clock, 10_000), 10_006); // 5 ms offset + 1 ms gained over 10 s
 * ```
 */
export function physicalClock(options: PhysicalClockOptions = {}): PhysicalClock {
  const { offsetMs = 0, driftPpm = 0, startTrueMs = 0 } = options;
  if (!Number.isFinite(offsetMs)) {
    throw new RangeError(`Clock offsetMs must be finite, got ${offsetMs}`);
  }
  assertDrift(driftPpm);
  return {
    anchorTrueMs: startTrueMs,
    anchorWallMs: startTrueMs + offsetMs,
    anchorMonotonicMs: 0,
    driftPpm,
  };
}

function elapsedLocal(clock: PhysicalClock, trueMs: number): number {
  if (trueMs < clock.anchorTrueMs) {
    throw new RangeError(
      `Cannot read a clock at true time ${trueMs} ms, before its segment start ${clock.anchorTrueMs} ms`,
    );
  }
  return (trueMs - clock.anchorTrueMs) * (1 + clock.driftPpm / 1e6);
}

/**
 * The wall-clock reading at true time `trueMs` (what `Date.now()` would say).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { physicalClock, readWall } from "./physical_clock.ts";
 * assert.equal(readWall(physicalClock({ offsetMs: -3 }), 100), 97);
 * ```
 */
export function readWall(clock: PhysicalClock, trueMs: number): number {
  return clock.anchorWallMs + elapsedLocal(clock, trueMs);
}

/**
 * The monotonic reading at true time `trueMs` (what `performance.now()` would say): it
 * drifts like the wall clock but ignores steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { physicalClock, readMonotonic, stepClock } from "./physical_clock.ts";
 * const stepped = stepClock(physicalClock(), 50, -20);
 * assert.equal(readMonotonic(stepped, 60), 60);
 * ```
 */
export function readMonotonic(clock: PhysicalClock, trueMs: number): number {
  return clock.anchorMonotonicMs + elapsedLocal(clock, trueMs);
}

/**
 * The clock's offset from true time at `trueMs`: `readWall − trueMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockOffset, physicalClock } from "./physical_clock.ts";
 * assert.equal(clockOffset(physicalClock({ driftPpm: -50 }), 20_000), -1);
 * ```
 */
export function clockOffset(clock: PhysicalClock, trueMs: number): number {
  return readWall(clock, trueMs) - trueMs;
}

function reanchor(clock: PhysicalClock, trueMs: number): PhysicalClock {
  return {
    anchorTrueMs: trueMs,
    anchorWallMs: readWall(clock, trueMs),
    anchorMonotonicMs: readMonotonic(clock, trueMs),
    driftPpm: clock.driftPpm,
  };
}

/**
 * Steps (jumps) the wall clock by `deltaMs` at true time `trueMs`, as an operator or a
 * synchronisation daemon setting the time does. Negative steps make the wall clock go back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { physicalClock, readWall, stepClock } from "./physical_clock.ts";
 * const stepped = stepClock(physicalClock(), 50, -20);
 * assert.equal(readWall(stepped, 60), 40); // later in true time, earlier on the wall
 * ```
 */
export function stepClock(clock: PhysicalClock, trueMs: number, deltaMs: number): PhysicalClock {
  if (!Number.isFinite(deltaMs)) {
    throw new RangeError(`Clock step deltaMs must be finite, got ${deltaMs}`);
  }
  const next = reanchor(clock, trueMs);
  return { ...next, anchorWallMs: next.anchorWallMs + deltaMs };
}

/**
 * Changes the clock's rate from true time `trueMs` on (a temperature change, or slewing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockOffset, physicalClock, setDrift } from "./physical_clock.ts";
 * const clock = setDrift(physicalClock({ driftPpm: 100 }), 10_000, 0);
 * assert.equal(clockOffset(clock, 50_000), 1);
 * ```
 */
export function setDrift(clock: PhysicalClock, trueMs: number, driftPpm: number): PhysicalClock {
  assertDrift(driftPpm);
  return { ...reanchor(clock, trueMs), driftPpm };
}

/**
 * The uncertainty bound a node can claim `elapsedMs` after a synchronisation that left it
 * within `errorBoundMs` of the reference, if its drift is at most `maxDriftPpm`: the error
 * grows linearly between syncs (the sawtooth of TrueTime's ε, Spanner §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uncertaintyMs } from "./physical_clock.ts";
 * assert.equal(uncertaintyMs(1, 30_000, 200), 7); // 1 ms + 30 s at 200 ppm
 * ```
 */
export function uncertaintyMs(
  errorBoundMs: number,
  elapsedMs: number,
  maxDriftPpm: number,
): number {
  return errorBoundMs + Math.abs(elapsedMs) * Math.abs(maxDriftPpm) / 1e6;
}
