/**
 * Mutation battery: breakers a learner could plausibly write (the seed's half-open flood
 * among them), each of which the lab's checks (`cases.ts`) must reject. (It tests the tests;
 * a learner can ignore it, and a workshop fork leaves it out: it needs the reference solution.)
 */

import { CircuitBreaker } from "../../src/resilience/mod.ts";
import { type LabMutant, registerMutationBattery } from "../_lib/checks.ts";
import type { CircuitBreakerLab, LabBreaker, LabBreakerSettings, LabBreakerState } from "./api.ts";
import { CIRCUIT_BREAKER_CHECKS } from "./cases.ts";
import * as reference from "./solution.ts";

/** One slip each: the reference breaker's steps, switched by name. */
interface Slips {
  strictThreshold?: boolean;
  strictMinimum?: boolean;
  strictWait?: boolean;
  windowExtra?: number;
  keepWindowOnClose?: boolean;
  keepProbesAcrossHalfOpen?: boolean;
  keepOpenedAt?: boolean;
  rateOverWindowSize?: boolean;
  reopenOnFirstFailedProbe?: boolean;
}

class Slipped implements LabBreaker {
  state: LabBreakerState = "closed";
  #s: LabBreakerSettings;
  #slips: Slips;
  #window: boolean[] = [];
  #openedAtMs: number | null = null;
  #probesPermitted = 0;
  #probeOutcomes: boolean[] = [];

  constructor(settings: LabBreakerSettings, slips: Slips) {
    this.#s = settings;
    this.#slips = slips;
  }

  tryAcquire(nowMs: number): boolean {
    const waited = nowMs - (this.#openedAtMs ?? 0);
    if (
      this.state === "open" &&
      (this.#slips.strictWait ? waited > this.#s.waitInOpenMs : waited >= this.#s.waitInOpenMs)
    ) {
      this.state = "half-open";
      if (!this.#slips.keepProbesAcrossHalfOpen) {
        this.#probesPermitted = 0;
        this.#probeOutcomes = [];
      }
    }
    if (this.state === "closed") return true;
    if (this.state === "open") return false;
    if (this.#probesPermitted >= this.#s.halfOpenProbes) return false;
    this.#probesPermitted++;
    return true;
  }

  onResult(nowMs: number, failed: boolean): void {
    if (this.state === "closed") {
      this.#window.push(failed);
      if (this.#window.length > this.#s.windowSize + (this.#slips.windowExtra ?? 0)) {
        this.#window.shift();
      }
      const enough = this.#slips.strictMinimum
        ? this.#window.length > this.#s.minimumCalls
        : this.#window.length >= this.#s.minimumCalls;
      if (enough && this.#trips(this.#window)) this.#open(nowMs);
    } else if (this.state === "half-open") {
      this.#probeOutcomes.push(failed);
      if (this.#slips.reopenOnFirstFailedProbe && failed) return this.#open(nowMs);
      if (this.#probeOutcomes.length < this.#s.halfOpenProbes) return;
      if (this.#trips(this.#probeOutcomes)) this.#open(nowMs);
      else {
        this.state = "closed";
        if (!this.#slips.keepWindowOnClose) this.#window = [];
      }
    }
  }

  #trips(outcomes: boolean[]): boolean {
    const failures = outcomes.filter(Boolean).length;
    const calls = this.#slips.rateOverWindowSize && outcomes === this.#window
      ? this.#s.windowSize
      : outcomes.length;
    const rate = (100 * failures) / calls;
    return outcomes.length > 0 &&
      (this.#slips.strictThreshold
        ? rate > this.#s.failureRateThreshold
        : rate >= this.#s.failureRateThreshold);
  }

  #open(nowMs: number): void {
    this.state = "open";
    if (!(this.#slips.keepOpenedAt && this.#openedAtMs !== null)) this.#openedAtMs = nowMs;
  }
}

const slipped = (name: string, slips: Slips): LabMutant<CircuitBreakerLab> => ({
  name,
  lab: { createBreaker: (settings) => new Slipped(settings, slips) },
});

/** The core's breaker in its seed variant: every caller through when half-open. */
function halfOpenFlood(settings: LabBreakerSettings): LabBreaker {
  const cb = new CircuitBreaker({ ...settings, variant: "half-open-flood" });
  return {
    get state() {
      return cb.state;
    },
    tryAcquire: (nowMs) => cb.tryAcquire(nowMs),
    onResult: (nowMs, failed) => cb.onResult(nowMs, { failed, durationMs: 0 }),
  };
}

const MUTANTS: LabMutant<CircuitBreakerLab>[] = [
  {
    name: "lets every caller through when half-open (the seed's)",
    lab: { createBreaker: halfOpenFlood },
  },
  {
    name: "has no minimum number of calls",
    lab: { createBreaker: (s) => reference.createBreaker({ ...s, minimumCalls: 1 }) },
  },
  {
    name: "does not wait in open",
    lab: { createBreaker: (s) => reference.createBreaker({ ...s, waitInOpenMs: 0 }) },
  },
  {
    name: "decides half-open on its first probe",
    lab: { createBreaker: (s) => reference.createBreaker({ ...s, halfOpenProbes: 1 }) },
  },
  slipped("trips on a rate strictly above the threshold (> instead of >=)", {
    strictThreshold: true,
  }),
  slipped("waits for one outcome more than minimumCalls", { strictMinimum: true }),
  slipped("waits one millisecond more than waitInOpenMs", { strictWait: true }),
  slipped("keeps one outcome too many in the window", { windowExtra: 1 }),
  slipped("never drops old outcomes from the window", { windowExtra: Infinity }),
  slipped("keeps the old window when it closes", { keepWindowOnClose: true }),
  slipped("keeps the probe count from the previous half-open", { keepProbesAcrossHalfOpen: true }),
  slipped("keeps the first opening time when it reopens", { keepOpenedAt: true }),
  slipped("divides failures by windowSize, not by the calls in the window", {
    rateOverWindowSize: true,
  }),
  slipped("reopens on the first failed probe without waiting for the others", {
    reopenOnFirstFailedProbe: true,
  }),
];

registerMutationBattery({
  lab: "circuit-breaker",
  checks: CIRCUIT_BREAKER_CHECKS,
  reference,
  mutants: MUTANTS,
});
