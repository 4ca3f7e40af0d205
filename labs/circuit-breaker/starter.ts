/**
 * Your circuit breaker. Replace each `throw`; run
 * `NETSPLIT_LAB_TARGET=starter deno test -A labs/circuit-breaker` until it is green.
 *
 * @module
 */

import type { LabBreaker, LabBreakerSettings, LabBreakerState } from "./api.ts";

class Breaker implements LabBreaker {
  state: LabBreakerState = "closed";
  #settings: LabBreakerSettings;

  constructor(settings: LabBreakerSettings) {
    this.#settings = settings;
  }

  /**
   * Hint: open turns half-open once `waitInOpenMs` has passed since it opened. Half-open says
   * yes to at most `halfOpenProbes` callers — not to everyone.
   */
  tryAcquire(nowMs: number): boolean {
    throw new Error(
      `TODO tryAcquire(${nowMs}) in state ${this.state}: may this call start? (README.md, step 1)`,
    );
  }

  /**
   * Hint: closed records the outcome in its window and trips at the threshold once the window
   * holds `minimumCalls`; half-open decides once all its probes have reported.
   */
  onResult(nowMs: number, failed: boolean): void {
    throw new Error(
      `TODO onResult(${nowMs}, failed=${failed}) in state ${this.state} with windowSize ` +
        `${this.#settings.windowSize}: record it and maybe change state (README.md, steps 2–3)`,
    );
  }
}

/** Makes a fresh breaker. */
export function createBreaker(settings: LabBreakerSettings): LabBreaker {
  return new Breaker(settings);
}
