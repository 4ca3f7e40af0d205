/**
 * Reference solution of the circuit-breaker lab (removed from workshop forks).
 *
 * @module
 */

import type { LabBreaker, LabBreakerSettings, LabBreakerState } from "./api.ts";

class Breaker implements LabBreaker {
  state: LabBreakerState = "closed";
  #settings: LabBreakerSettings;
  #window: boolean[] = [];
  #openedAtMs = 0;
  #probesPermitted = 0;
  #probeOutcomes: boolean[] = [];

  constructor(settings: LabBreakerSettings) {
    this.#settings = settings;
  }

  tryAcquire(nowMs: number): boolean {
    if (this.state === "open" && nowMs - this.#openedAtMs >= this.#settings.waitInOpenMs) {
      this.state = "half-open";
      this.#probesPermitted = 0;
      this.#probeOutcomes = [];
    }
    if (this.state === "closed") return true;
    if (this.state === "open") return false;
    // Half-open: a few trial calls, never everyone (the seed's bug).
    if (this.#probesPermitted >= this.#settings.halfOpenProbes) return false;
    this.#probesPermitted++;
    return true;
  }

  onResult(nowMs: number, failed: boolean): void {
    if (this.state === "closed") {
      this.#window.push(failed);
      if (this.#window.length > this.#settings.windowSize) this.#window.shift();
      if (this.#window.length >= this.#settings.minimumCalls && this.#trips(this.#window)) {
        this.#open(nowMs);
      }
    } else if (this.state === "half-open") {
      this.#probeOutcomes.push(failed);
      if (this.#probeOutcomes.length < this.#settings.halfOpenProbes) return;
      if (this.#trips(this.#probeOutcomes)) this.#open(nowMs);
      else {
        this.state = "closed";
        this.#window = [];
      }
    }
  }

  #trips(outcomes: boolean[]): boolean {
    const failures = outcomes.filter(Boolean).length;
    return outcomes.length > 0 &&
      (100 * failures) / outcomes.length >= this.#settings.failureRateThreshold;
  }

  #open(nowMs: number): void {
    this.state = "open";
    this.#openedAtMs = nowMs;
  }
}

/** Makes a fresh breaker. */
export function createBreaker(settings: LabBreakerSettings): LabBreaker {
  return new Breaker(settings);
}
