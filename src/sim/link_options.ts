/**
 * The network's knobs, their defaults and their validation. Each knob breaks an assumption
 * from the fallacies of distributed computing (Deutsch and Gosling): see `fallacies.ts` for
 * the mapping. The link model that enforces them is {@linkcode Network} in `network.ts`.
 *
 * @module
 */

import type { Random } from "./random.ts";

/** How long a message spends on the wire, before any bandwidth queueing. */
export type LatencyModel =
  | { kind: "constant"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "exponential"; minMs: number; meanMs: number }
  | { kind: "normal"; meanMs: number; standardDeviationMs: number; minMs: number };

/** The knobs of one directed link. */
export interface LinkOptions {
  /** Fallacy 2 (latency is zero). @default {kind: "uniform", minMs: 1, maxMs: 5} */
  latency: LatencyModel;
  /** Fallacy 1 (the network is reliable): chance a message is lost. @default 0 */
  lossProbability: number;
  /** Fallacy 1: chance a message is delivered twice. @default 0 */
  duplicateProbability: number;
  /**
   * Whether the link keeps send order (like one TCP connection). When false, a later message
   * with a shorter sampled latency overtakes an earlier one. @default false
   */
  fifo: boolean;
  /** Fallacy 3 (bandwidth is infinite): bytes per ms; messages queue behind each other. @default Infinity */
  bandwidthBytesPerMs: number;
  /** Fallacy 3: bytes a link may have queued before it drops new messages. @default Infinity */
  queueLimitBytes: number;
  /** Fallacy 4 (the network is secure): chance a message is altered in flight. @default 0 */
  tamperProbability: number;
  /** Fallacy 7 (transport cost is zero): cost units charged per message. @default 0 */
  costPerMessage: number;
  /** Fallacy 7: cost units charged per byte. @default 0 */
  costPerByte: number;
}

/** Network-wide options: defaults for every link plus per-link overrides. */
export interface NetworkOptions extends Partial<LinkOptions> {
  /** Per-link overrides keyed `"from->to"`. */
  links?: Record<string, Partial<LinkOptions>>;
  /**
   * Fallacy 4: when true, receivers authenticate messages (think mutual TLS), so tampered and
   * forged messages are detected and dropped instead of processed. @default false
   */
  authenticate?: boolean;
}

/** The defaults, filled in one place. */
export const DEFAULT_LINK: Readonly<LinkOptions> = Object.freeze({
  latency: Object.freeze({ kind: "uniform", minMs: 1, maxMs: 5 }) as LatencyModel,
  lossProbability: 0,
  duplicateProbability: 0,
  fifo: false,
  bandwidthBytesPerMs: Infinity,
  queueLimitBytes: Infinity,
  tamperProbability: 0,
  costPerMessage: 0,
  costPerByte: 0,
});

function checkProbability(name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new RangeError(`Network option ${name} must be a probability in [0, 1], got ${value}`);
  }
}

function checkNonNegative(name: string, value: number, allowInfinity = false): void {
  if (typeof value !== "number" || !(value >= 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new RangeError(`Network option ${name} must be a number >= 0, got ${value}`);
  }
}

/** Throws a RangeError naming the first invalid field of a latency model. */
export function validateLatency(latency: LatencyModel, where = "latency"): void {
  switch (latency.kind) {
    case "constant":
      checkNonNegative(`${where}.ms`, latency.ms);
      return;
    case "uniform":
      checkNonNegative(`${where}.minMs`, latency.minMs);
      checkNonNegative(`${where}.maxMs`, latency.maxMs);
      if (latency.maxMs < latency.minMs) {
        throw new RangeError(
          `Network option ${where}.maxMs (${latency.maxMs}) must be >= minMs (${latency.minMs})`,
        );
      }
      return;
    case "exponential":
      checkNonNegative(`${where}.minMs`, latency.minMs);
      checkNonNegative(`${where}.meanMs`, latency.meanMs);
      return;
    case "normal":
      checkNonNegative(`${where}.meanMs`, latency.meanMs);
      checkNonNegative(`${where}.standardDeviationMs`, latency.standardDeviationMs);
      checkNonNegative(`${where}.minMs`, latency.minMs);
      return;
    default: {
      const kind = (latency as { kind: unknown }).kind;
      throw new RangeError(
        `Network option ${where}.kind must be constant, uniform, exponential or normal, got ${
          String(kind)
        }`,
      );
    }
  }
}

/** Fills defaults and validates every knob; throws RangeError naming the first bad one. */
export function resolveLink(base: Partial<LinkOptions>, where = "network"): LinkOptions {
  const link: LinkOptions = { ...DEFAULT_LINK, ...stripUndefined(base) };
  validateLatency(link.latency, `${where}.latency`);
  checkProbability(`${where}.lossProbability`, link.lossProbability);
  checkProbability(`${where}.duplicateProbability`, link.duplicateProbability);
  checkProbability(`${where}.tamperProbability`, link.tamperProbability);
  if (typeof link.fifo !== "boolean") {
    throw new RangeError(`Network option ${where}.fifo must be true or false, got ${link.fifo}`);
  }
  checkNonNegative(`${where}.bandwidthBytesPerMs`, link.bandwidthBytesPerMs, true);
  if (link.bandwidthBytesPerMs === 0) {
    throw new RangeError(`Network option ${where}.bandwidthBytesPerMs must be > 0, got 0`);
  }
  checkNonNegative(`${where}.queueLimitBytes`, link.queueLimitBytes, true);
  checkNonNegative(`${where}.costPerMessage`, link.costPerMessage);
  checkNonNegative(`${where}.costPerByte`, link.costPerByte);
  return link;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined && k !== "links" && k !== "authenticate") {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** Samples one wire latency in ms. */
export function sampleLatency(latency: LatencyModel, random: Random): number {
  switch (latency.kind) {
    case "constant":
      return latency.ms;
    case "uniform":
      return latency.minMs + random.next() * (latency.maxMs - latency.minMs);
    case "exponential":
      return latency.minMs + random.exponential(latency.meanMs);
    case "normal":
      return Math.max(
        latency.minMs,
        random.normal(latency.meanMs, latency.standardDeviationMs),
      );
    default: {
      const unknown: never = latency;
      throw new RangeError(`Unknown latency model ${JSON.stringify(unknown)}`);
    }
  }
}
