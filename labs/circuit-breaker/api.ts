/**
 * What the circuit-breaker lab asks you to implement (see README.md).
 *
 * @module
 */

/** The breaker's three states. */
export type LabBreakerState = "closed" | "open" | "half-open";

/** The settings your breaker must honour (a count-based window; no slow-call rule). */
export interface LabBreakerSettings {
  /** The closed state's window holds the outcomes of this many latest calls. */
  readonly windowSize: number;
  /** Closed never trips before the window holds this many outcomes. */
  readonly minimumCalls: number;
  /** Trip when failures / calls × 100 is at least this (percent). */
  readonly failureRateThreshold: number;
  /** Open rejects for this long (ms) after it opened. */
  readonly waitInOpenMs: number;
  /** Half-open admits at most this many trial calls, then decides on their outcomes. */
  readonly halfOpenProbes: number;
}

/** One breaker; times are the caller's clock in ms, never decreasing. */
export interface LabBreaker {
  /** The current state. */
  readonly state: LabBreakerState;
  /** May a call start at `nowMs`? A yes in half-open uses up a probe. */
  tryAcquire(nowMs: number): boolean;
  /** A permitted call finished at `nowMs`, failed or not. */
  onResult(nowMs: number, failed: boolean): void;
}

/** Your implementation: makes a fresh breaker. */
export interface CircuitBreakerLab {
  createBreaker(settings: LabBreakerSettings): LabBreaker;
}
