/**
 * A circuit breaker (Nygard, "Release It!", 2nd ed., ch. 5 "Circuit Breaker"; the state
 * machine of resilience4j's `CircuitBreakerStateMachine`): CLOSED lets calls through and
 * records their outcomes in a count- or time-based sliding window; once at least
 * `minimumCalls` are recorded and the failure rate or the slow-call rate reaches its
 * threshold, the breaker trips to OPEN and rejects every call without calling; after
 * `waitInOpenMs` the next call moves it to HALF-OPEN, which admits at most
 * `halfOpenProbes` trial calls and, once they have all reported, closes (rates below the
 * thresholds) or opens again.
 *
 * The breaker is a pure state machine: every input carries the caller's clock (`nowMs`), it
 * never reads time, schedules nothing and performs no I/O; the caller makes the call.
 *
 * Known-broken variant (selected by name, {@linkcode BREAKER_VARIANTS}): `half-open-flood`
 * is the seed's breaker, whose half-open state lets every caller through — the whole
 * backlog lands on a service that is still recovering. {@linkcode halfOpenProbesBounded}
 * in `check/invariants/resilience.ts` catches it.
 *
 * Presets: {@linkcode RESILIENCE4J_DEFAULTS} and {@linkcode OPOSSUM_DEFAULTS}.
 *
 * Non-goals: resilience4j's `maxWaitDurationInHalfOpenState`, automatic open → half-open
 * transitions by a timer (both libraries default to moving lazily on the next call), fallbacks
 * (the caller's business) and exception classification (the caller says what failed).
 *
 * @module
 */

/** The three states of the breaker. */
export type BreakerState = "closed" | "open" | "half-open";

/** The implementations: the correct one and the seed's broken one. */
export const BREAKER_VARIANTS = ["correct", "half-open-flood"] as const;

/** A breaker variant by name. */
export type BreakerVariant = (typeof BREAKER_VARIANTS)[number];

/** What the breaker reports, in order, through `onEvent`. */
export type BreakerEvent =
  | { kind: "permitted"; atMs: number; state: BreakerState }
  | { kind: "rejected"; atMs: number; state: BreakerState }
  | { kind: "released"; atMs: number; state: BreakerState }
  | { kind: "outcome"; atMs: number; state: BreakerState; failed: boolean; slow: boolean }
  | { kind: "transition"; atMs: number; from: BreakerState; to: BreakerState };

/** Options of {@linkcode CircuitBreaker}; every field is validated up front. */
export interface CircuitBreakerOptions {
  /** Sliding window over the last calls (`count`) or the last `windowMs` (`time`). @default "count" */
  windowKind?: "count" | "time";
  /** Count-based: how many of the latest calls the window holds. @default 100 */
  windowSize?: number;
  /** Time-based: how long the window reaches back. @default 60_000 */
  windowMs?: number;
  /** Time-based: how many buckets the window is cut into (it slides a bucket at a time). @default 60 */
  windowBuckets?: number;
  /** No decision before this many calls are in the window. @default 100 */
  minimumCalls?: number;
  /** Trip when the failure rate (percent) reaches this. @default 50 */
  failureRateThreshold?: number;
  /** Trip when the slow-call rate (percent) reaches this. @default 100 */
  slowCallRateThreshold?: number;
  /** A call lasting at least this long is slow. @default 60_000 */
  slowCallDurationMs?: number;
  /** A call lasting at least this long counts as failed (opossum's `timeout`). @default Infinity */
  callTimeoutMs?: number;
  /** How long OPEN rejects before the next call may probe. @default 60_000 */
  waitInOpenMs?: number;
  /** Trial calls HALF-OPEN admits before it decides. @default 10 */
  halfOpenProbes?: number;
  /** Which implementation. @default "correct" */
  variant?: BreakerVariant;
  /** Receives every permit, rejection, outcome and transition, for monitors and charts. */
  onEvent?: (event: BreakerEvent) => void;
}

/** The settings of {@linkcode CircuitBreakerOptions} without the variant and the hook. */
export type BreakerSettings = Required<
  Omit<CircuitBreakerOptions, "variant" | "onEvent">
>;

/**
 * resilience4j 2.x defaults (`CircuitBreakerConfig.ofDefaults()`): failureRateThreshold 50,
 * slidingWindowType COUNT_BASED with slidingWindowSize 100, minimumNumberOfCalls 100,
 * waitDurationInOpenState 60 s, permittedNumberOfCallsInHalfOpenState 10,
 * slowCallRateThreshold 100, slowCallDurationThreshold 60 s. No call timeout (a TimeLimiter
 * is a separate decorator there).
 */
export const RESILIENCE4J_DEFAULTS: Readonly<BreakerSettings> = Object.freeze({
  windowKind: "count",
  windowSize: 100,
  windowMs: 60_000,
  windowBuckets: 60,
  minimumCalls: 100,
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationMs: 60_000,
  callTimeoutMs: Infinity,
  waitInOpenMs: 60_000,
  halfOpenProbes: 10,
});

/**
 * opossum 8.x defaults: timeout 10 s (a call that takes longer fails), errorThresholdPercentage
 * 50, resetTimeout 30 s, rollingCountTimeout 10 s cut into rollingCountBuckets 10,
 * volumeThreshold 0 (no minimum). opossum has no slow-call rate (threshold 100 % with the
 * duration at the timeout keeps it inert) and, half-open, tries a single call.
 */
export const OPOSSUM_DEFAULTS: Readonly<BreakerSettings> = Object.freeze({
  windowKind: "time",
  windowSize: 100,
  windowMs: 10_000,
  windowBuckets: 10,
  minimumCalls: 0,
  failureRateThreshold: 50,
  slowCallRateThreshold: 100,
  slowCallDurationMs: 10_000,
  callTimeoutMs: 10_000,
  waitInOpenMs: 30_000,
  halfOpenProbes: 1,
});

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`CircuitBreaker option ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

function checkPercent(name: string, value: number): void {
  if (!(value > 0 && value <= 100)) {
    throw new RangeError(`CircuitBreaker option ${name} must be in (0, 100], got ${value}`);
  }
}

function checkPositive(name: string, value: number): void {
  if (!(value > 0)) throw new RangeError(`CircuitBreaker option ${name} must be > 0, got ${value}`);
}

/** Fills defaults (resilience4j's) and validates, naming the option that is out of range. */
function settingsOf(options: CircuitBreakerOptions): BreakerSettings {
  const s: BreakerSettings = { ...RESILIENCE4J_DEFAULTS, ...withoutUndefined(options) };
  if (s.windowKind !== "count" && s.windowKind !== "time") {
    throw new RangeError(
      `CircuitBreaker option windowKind must be count or time, got ${s.windowKind}`,
    );
  }
  checkInteger("windowSize", s.windowSize, 1);
  checkPositive("windowMs", s.windowMs);
  checkInteger("windowBuckets", s.windowBuckets, 1);
  checkInteger("minimumCalls", s.minimumCalls, 0);
  checkPercent("failureRateThreshold", s.failureRateThreshold);
  checkPercent("slowCallRateThreshold", s.slowCallRateThreshold);
  checkPositive("slowCallDurationMs", s.slowCallDurationMs);
  checkPositive("callTimeoutMs", s.callTimeoutMs);
  if (!(s.waitInOpenMs >= 0)) {
    throw new RangeError(`CircuitBreaker option waitInOpenMs must be ≥ 0, got ${s.waitInOpenMs}`);
  }
  checkInteger("halfOpenProbes", s.halfOpenProbes, 1);
  return s;
}

function withoutUndefined(options: CircuitBreakerOptions): Partial<BreakerSettings> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && k !== "variant" && k !== "onEvent") out[k] = v;
  }
  return out as Partial<BreakerSettings>;
}

/** Calls, failures and slow calls in a window. */
export interface WindowCounts {
  calls: number;
  failures: number;
  slow: number;
}

/** A sliding window of outcomes; both kinds answer the same questions. */
interface OutcomeWindow {
  record(nowMs: number, failed: boolean, slow: boolean): void;
  counts(nowMs: number): WindowCounts;
}

/** The latest `size` outcomes in a ring (resilience4j's FixedSizeSlidingWindowMetrics). */
class CountWindow implements OutcomeWindow {
  #ring: Uint8Array;
  #next = 0;
  #filled = 0;
  #totals = { calls: 0, failures: 0, slow: 0 };
  constructor(size: number) {
    this.#ring = new Uint8Array(size);
  }
  record(_nowMs: number, failed: boolean, slow: boolean): void {
    const code = (failed ? 1 : 0) | (slow ? 2 : 0);
    if (this.#filled === this.#ring.length) this.#count(this.#ring[this.#next], -1);
    else this.#filled++;
    this.#ring[this.#next] = code;
    this.#count(code, 1);
    this.#next = (this.#next + 1) % this.#ring.length;
  }
  #count(code: number, sign: number): void {
    this.#totals.calls += sign;
    this.#totals.failures += sign * (code & 1);
    this.#totals.slow += sign * ((code >> 1) & 1);
  }
  counts(): WindowCounts {
    return { ...this.#totals };
  }
}

/**
 * Outcomes of the last `windowMs`, in `buckets` equal buckets (opossum's rolling buckets,
 * resilience4j's per-second partial aggregations): a bucket leaves the window whole.
 */
class TimeWindow implements OutcomeWindow {
  #bucketMs: number;
  #buckets: { epoch: number; counts: WindowCounts }[];
  constructor(windowMs: number, buckets: number) {
    this.#bucketMs = windowMs / buckets;
    this.#buckets = Array.from({ length: buckets }, () => ({
      epoch: -1,
      counts: { calls: 0, failures: 0, slow: 0 },
    }));
  }
  #bucketAt(nowMs: number) {
    const epoch = Math.floor(nowMs / this.#bucketMs);
    const bucket = this.#buckets[epoch % this.#buckets.length];
    if (bucket.epoch !== epoch) {
      bucket.epoch = epoch;
      bucket.counts = { calls: 0, failures: 0, slow: 0 };
    }
    return bucket;
  }
  record(nowMs: number, failed: boolean, slow: boolean): void {
    const c = this.#bucketAt(nowMs).counts;
    c.calls++;
    if (failed) c.failures++;
    if (slow) c.slow++;
  }
  counts(nowMs: number): WindowCounts {
    const current = Math.floor(nowMs / this.#bucketMs);
    const total = { calls: 0, failures: 0, slow: 0 };
    for (const b of this.#buckets) {
      if (b.epoch > current - this.#buckets.length && b.epoch <= current) {
        total.calls += b.counts.calls;
        total.failures += b.counts.failures;
        total.slow += b.counts.slow;
      }
    }
    return total;
  }
}

/**
 * Whether a window's counts trip the breaker: at least `minimumCalls` calls, and a failure
 * or slow-call rate at or above its threshold (resilience4j's `checkIfThresholdsExceeded`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESILIENCE4J_DEFAULTS, thresholdsExceeded } from "./circuit_breaker.ts";
 * const s = { ...RESILIENCE4J_DEFAULTS, minimumCalls: 4 };
 * assert.equal(thresholdsExceeded({ calls: 4, failures: 2, slow: 0 }, s), true);
 * assert.equal(thresholdsExceeded({ calls: 3, failures: 3, slow: 0 }, s), false);
 * ```
 */
export function thresholdsExceeded(
  counts: WindowCounts,
  settings: Pick<
    BreakerSettings,
    "minimumCalls" | "failureRateThreshold" | "slowCallRateThreshold"
  >,
): boolean {
  if (counts.calls === 0 || counts.calls < settings.minimumCalls) return false;
  const failureRate = (100 * counts.failures) / counts.calls;
  const slowRate = (100 * counts.slow) / counts.calls;
  return failureRate >= settings.failureRateThreshold ||
    slowRate >= settings.slowCallRateThreshold;
}

/**
 * The circuit breaker. Ask {@linkcode CircuitBreaker.tryAcquire} before each call; if it says
 * yes, report the call with {@linkcode CircuitBreaker.onResult} (or give the permit back
 * with {@linkcode CircuitBreaker.release} if the call never happened).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CircuitBreaker } from "./circuit_breaker.ts";
 * const cb = new CircuitBreaker({ windowSize: 4, minimumCalls: 4, waitInOpenMs: 1000, halfOpenProbes: 2 });
 * for (let t = 0; t < 4; t++) {
 *   assert.ok(cb.tryAcquire(t));
 *   cb.onResult(t, { failed: true, durationMs: 1 });
 * }
 * assert.equal(cb.state, "open"); // opened at t = 3
 * assert.equal(cb.tryAcquire(500), false); // open rejects without calling
 * assert.ok(cb.tryAcquire(1003) && cb.tryAcquire(1004)); // two probes...
 * assert.equal(cb.tryAcquire(1005), false); // ...and no more
 * cb.onResult(1010, { failed: false, durationMs: 10 });
 * cb.onResult(1011, { failed: false, durationMs: 10 });
 * assert.equal(cb.state, "closed");
 * ```
 */
export class CircuitBreaker {
  readonly settings: Readonly<BreakerSettings>;
  readonly variant: BreakerVariant;
  #state: BreakerState = "closed";
  #window: OutcomeWindow;
  #openedAtMs = 0;
  /** Half-open: permits handed out, and outcomes received, since entering the state. */
  #probesPermitted = 0;
  #probeCounts: WindowCounts = { calls: 0, failures: 0, slow: 0 };
  /** The event hook, or null: without one no event objects are made. */
  #onEvent: ((event: BreakerEvent) => void) | null;

  constructor(options: CircuitBreakerOptions = {}) {
    this.settings = Object.freeze(settingsOf(options));
    this.variant = options.variant ?? "correct";
    if (!BREAKER_VARIANTS.includes(this.variant)) {
      throw new RangeError(
        `CircuitBreaker option variant must be one of ${
          BREAKER_VARIANTS.join(", ")
        }, got ${this.variant}`,
      );
    }
    this.#onEvent = options.onEvent ?? null;
    this.#window = this.#freshWindow();
  }

  /** The current state (it moves from open to half-open only when a call asks). */
  get state(): BreakerState {
    return this.#state;
  }

  /** Half-open probes permitted and not yet reported. */
  get probesInFlight(): number {
    return this.#state === "half-open" ? this.#probesPermitted - this.#probeCounts.calls : 0;
  }

  /** Calls, failures and slow calls in the closed-state window at `nowMs`. */
  windowCounts(nowMs: number): WindowCounts {
    return this.#window.counts(nowMs);
  }

  /**
   * Asks to make a call at `nowMs`. Closed: yes. Open: no, until `waitInOpenMs` has passed,
   * then the breaker turns half-open. Half-open: yes for at most `halfOpenProbes` calls
   * (the `half-open-flood` variant says yes to all).
   */
  tryAcquire(nowMs: number): boolean {
    if (this.#state === "open" && nowMs - this.#openedAtMs >= this.settings.waitInOpenMs) {
      this.#transition(nowMs, "half-open");
    }
    const permitted = this.#admits();
    if (permitted && this.#state === "half-open") this.#probesPermitted++;
    this.#onEvent?.({
      kind: permitted ? "permitted" : "rejected",
      atMs: nowMs,
      state: this.#state,
    });
    return permitted;
  }

  #admits(): boolean {
    switch (this.#state) {
      case "closed":
        return true;
      case "open":
        return false;
      case "half-open":
        // Nygard: half-open lets *a* trial call through; resilience4j bounds the trials by
        // permittedNumberOfCallsInHalfOpenState. The seed's breaker has no bound.
        return this.variant === "half-open-flood" ||
          this.#probesPermitted < this.settings.halfOpenProbes;
      default: {
        const never: never = this.#state;
        throw new Error(`Unknown breaker state ${never}`);
      }
    }
  }

  /**
   * Gives back a permit whose call never started (e.g. a bulkhead refused it), so a half-open
   * breaker can hand the probe to someone else.
   */
  release(nowMs: number): void {
    if (this.#state === "half-open" && this.#probesPermitted > this.#probeCounts.calls) {
      this.#probesPermitted--;
      this.#onEvent?.({ kind: "released", atMs: nowMs, state: this.#state });
    }
  }

  /**
   * Reports a permitted call's outcome at `nowMs`. A call counts as failed when the caller
   * says so or it lasted `callTimeoutMs` or more, and as slow from `slowCallDurationMs`.
   * Outcomes of calls permitted in an earlier state still count in the current one, as in
   * resilience4j, except that open ignores them.
   */
  onResult(nowMs: number, result: { failed: boolean; durationMs: number }): void {
    const failed = result.failed || result.durationMs >= this.settings.callTimeoutMs;
    const slow = result.durationMs >= this.settings.slowCallDurationMs;
    this.#onEvent?.({ kind: "outcome", atMs: nowMs, state: this.#state, failed, slow });
    switch (this.#state) {
      case "closed":
        this.#window.record(nowMs, failed, slow);
        if (thresholdsExceeded(this.#window.counts(nowMs), this.settings)) {
          this.#transition(nowMs, "open");
        }
        return;
      case "open":
        return;
      case "half-open":
        this.#recordProbe(nowMs, failed, slow);
        return;
      default: {
        const never: never = this.#state;
        throw new Error(`Unknown breaker state ${never}`);
      }
    }
  }

  /**
   * resilience4j: half-open decides once `permittedNumberOfCallsInHalfOpenState` outcomes are
   * in, over those outcomes alone (minimum calls = the probe count).
   */
  #recordProbe(nowMs: number, failed: boolean, slow: boolean): void {
    const c = this.#probeCounts;
    c.calls++;
    if (failed) c.failures++;
    if (slow) c.slow++;
    if (c.calls < this.settings.halfOpenProbes) return;
    const trip = thresholdsExceeded(c, { ...this.settings, minimumCalls: 0 });
    this.#transition(nowMs, trip ? "open" : "closed");
  }

  #freshWindow(): OutcomeWindow {
    const s = this.settings;
    return s.windowKind === "count"
      ? new CountWindow(s.windowSize)
      : new TimeWindow(s.windowMs, s.windowBuckets);
  }

  /** The legal moves: closed → open, open → half-open, half-open → open | closed. */
  #transition(nowMs: number, to: BreakerState): void {
    const from = this.#state;
    const legal = (from === "closed" && to === "open") ||
      (from === "open" && to === "half-open") ||
      (from === "half-open" && (to === "open" || to === "closed"));
    if (!legal) throw new Error(`Cannot move circuit breaker from ${from} to ${to}`);
    this.#state = to;
    if (to === "open") this.#openedAtMs = nowMs;
    if (to === "half-open") {
      this.#probesPermitted = 0;
      this.#probeCounts = { calls: 0, failures: 0, slow: 0 };
    }
    if (to === "closed") this.#window = this.#freshWindow();
    this.#onEvent?.({ kind: "transition", atMs: nowMs, from, to });
  }
}
