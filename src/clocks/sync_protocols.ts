/**
 * Clock synchronisation protocols as processes on the simulator: a time server, Cristian
 * and NTP-style polling clients, and the Berkeley master/slave pair.
 *
 * A process cannot set its host's hardware clock; like a real time daemon disciplining a
 * software clock, each one keeps a `correctionMs` added to `rt.now()`. Its synchronised
 * reading is `rt.now() + correctionMs`; experiments measure that against true time.
 *
 * Sources: Cristian 1989 (`cristian.ts`), RFC 5905 §8 and §10 (`ntp.ts`), Gusella and
 * Zatti 1989 (`berkeley.ts`). Guarantees: after a sync, a client's error is within the
 * algorithm's bound for the path (see {@linkcode promisedBoundMs}), then grows with drift
 * until the next poll. Non-goals: slewing (corrections are steps), authentication, choosing
 * among several servers (see `marzullo.ts`).
 *
 * @module
 */

import type { NodeId, Process, Runtime } from "../sim/mod.ts";
import { berkeleyRound } from "./berkeley.ts";
import { cristianEstimate } from "./cristian.ts";
import { ntpBestSample, type NtpSample, ntpSample } from "./ntp.ts";

/** Messages of the synchronisation protocols, named as in their papers. */
export type SyncMessage =
  | { type: "TimeRequest"; seq: number }
  | { type: "TimeResponse"; seq: number; serverTimeMs: number }
  | { type: "NtpRequest"; seq: number; t1: number }
  | { type: "NtpResponse"; seq: number; t1: number; t2: number; t3: number }
  | { type: "TimePoll"; round: number }
  | { type: "TimeReport"; round: number; clockMs: number }
  | { type: "TimeAdjust"; round: number; adjustMs: number };

/** A process whose notion of time is the hardware clock plus a correction. */
export interface SyncedProcess extends Process<SyncMessage> {
  /** What to add to `rt.now()` for the synchronised reading. */
  readonly correctionMs: number;
}

/** Options shared by the polling clients and the Berkeley master. */
export interface SyncOptions {
  /** Time between polls, on the local clock. @default 10_000 */
  intervalMs?: number;
  /** Called on every correction with the step applied (for charts marking sync events). */
  onAdjust?: (deltaMs: number) => void;
}

/** Options of the Cristian client. */
export interface CristianClientOptions extends SyncOptions {
  /** The time server. */
  server: NodeId;
  /** A known lower bound on one-way delay, which tightens the error bound. @default 0 */
  minDelayMs?: number;
}

/** Options of the NTP client. */
export interface NtpClientOptions extends SyncOptions {
  /** The time server. */
  server: NodeId;
  /** How many recent samples the clock filter keeps (RFC 5905 §10 keeps 8). @default 8 */
  filterSize?: number;
}

/** Options of the Berkeley master. */
export interface BerkeleyMasterOptions extends SyncOptions {
  /** How far from the median a clock may be and still count in the average. @default 100 */
  toleranceMs?: number;
  /** How long to wait for reports before averaging what arrived. @default 1000 */
  roundTimeoutMs?: number;
}

function checkInterval(intervalMs: number): void {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`Sync intervalMs must be a finite number > 0, got ${intervalMs}`);
  }
}

function unexpected(rt: Runtime<SyncMessage>, msg: SyncMessage): void {
  rt.log(`ignored ${msg.type}`);
}

/** Steps a correction and reports it: shared by every client. */
function adjuster(rt: Runtime<SyncMessage>, onAdjust?: (deltaMs: number) => void) {
  let correctionMs = 0;
  return {
    get correctionMs() {
      return correctionMs;
    },
    step(deltaMs: number) {
      correctionMs += deltaMs;
      rt.state("correctionMs", Math.round(correctionMs * 1000) / 1000);
      onAdjust?.(deltaMs);
    },
  };
}

/**
 * The shape every polling client shares: a first poll after a small random delay (so clients
 * do not all ask at once), then one every `intervalMs` of local time, and replies handed on.
 */
function pollingClient(
  rt: Runtime<SyncMessage>,
  clock: { readonly correctionMs: number },
  intervalMs: number,
  handlers: { poll(): void; reply(msg: SyncMessage): void },
): SyncedProcess {
  return {
    get correctionMs() {
      return clock.correctionMs;
    },
    onStart: () => void rt.setTimer(rt.random.uniform(0, Math.min(intervalMs, 100)), "poll"),
    onTimer() {
      handlers.poll();
      rt.setTimer(intervalMs, "poll");
    },
    onMessage: (_from, msg) => handlers.reply(msg),
  };
}

/**
 * A time server: answers Cristian's `TimeRequest` and NTP's `NtpRequest` from its own clock
 * (its `correctionMs` stays 0: it is the reference).
 *
 * @example
 * ```ts
 * import { Simulation } from "../sim/mod.ts";
 * import { cristianClient, timeServer, type SyncMessage } from "./sync_protocols.ts";
 * const sim = new Simulation<SyncMessage>({ seed: 1 });
 * sim.addNode("ts", timeServer());
 * sim.addNode("n1", cristianClient({ server: "ts", intervalMs: 1000 }), { clock: { offsetMs: 50 } });
 * sim.run({ untilMs: 5000 });
 * ```
 */
export function timeServer(): (rt: Runtime<SyncMessage>) => SyncedProcess {
  return (rt) => ({
    correctionMs: 0,
    onMessage(from, msg) {
      switch (msg.type) {
        case "TimeRequest":
          rt.send(from, { type: "TimeResponse", seq: msg.seq, serverTimeMs: rt.now() });
          return;
        case "NtpRequest": {
          const t2 = rt.now();
          rt.send(from, { type: "NtpResponse", seq: msg.seq, t1: msg.t1, t2, t3: rt.now() });
          return;
        }
        default:
          unexpected(rt, msg);
      }
    },
  });
}

/**
 * Cristian's client: every `intervalMs` asks the server for the time and steps its clock to
 * `serverTime + RTT/2` (Cristian 1989).
 *
 * @example
 * ```ts
 * import { cristianClient } from "./sync_protocols.ts";
 * const factory = cristianClient({ server: "ts", intervalMs: 5000 });
 * ```
 */
export function cristianClient(
  options: CristianClientOptions,
): (rt: Runtime<SyncMessage>) => SyncedProcess {
  const { server, intervalMs = 10_000, minDelayMs = 0, onAdjust } = options;
  checkInterval(intervalMs);
  return (rt) => {
    const clock = adjuster(rt, onAdjust);
    let seq = 0;
    let sentMs = 0;
    return pollingClient(rt, clock, intervalMs, {
      poll() {
        seq++;
        sentMs = rt.now() + clock.correctionMs;
        rt.send(server, { type: "TimeRequest", seq });
      },
      reply(msg) {
        if (msg.type !== "TimeResponse") return unexpected(rt, msg);
        if (msg.seq !== seq) return; // A late reply to an older poll: its RTT is unknown.
        const receivedMs = rt.now() + clock.correctionMs;
        const roundTripMs = receivedMs - sentMs;
        const estimate = cristianEstimate(
          { requestSentMs: sentMs, serverTimeMs: msg.serverTimeMs, replyReceivedMs: receivedMs },
          { minDelayMs: Math.min(minDelayMs, roundTripMs / 2) },
        );
        clock.step(estimate.offsetMs);
      },
    });
  };
}

/**
 * Known-broken on purpose (fallacy 2, "latency is zero"): every `intervalMs` asks the server
 * for the time and sets its clock to the server's reading as if the reply took no time. It
 * ends up behind by the reply's one-way delay, which no bound in the algorithm accounts for;
 * the bound property and the page's "break it" use it.
 *
 * @example
 * ```ts
 * import { naiveTimeClient } from "./sync_protocols.ts";
 * const factory = naiveTimeClient({ server: "ts", intervalMs: 5000 });
 * ```
 */
export function naiveTimeClient(
  options: Omit<CristianClientOptions, "minDelayMs">,
): (rt: Runtime<SyncMessage>) => SyncedProcess {
  const { server, intervalMs = 10_000, onAdjust } = options;
  checkInterval(intervalMs);
  return (rt) => {
    const clock = adjuster(rt, onAdjust);
    let seq = 0;
    return pollingClient(rt, clock, intervalMs, {
      poll: () => rt.send(server, { type: "TimeRequest", seq: ++seq }),
      reply(msg) {
        if (msg.type !== "TimeResponse") return unexpected(rt, msg);
        if (msg.seq !== seq) return;
        clock.step(msg.serverTimeMs - (rt.now() + clock.correctionMs));
      },
    });
  };
}

/**
 * An NTP-style client: four-timestamp exchanges every `intervalMs`; of the last `filterSize`
 * samples it trusts the one with the least delay (RFC 5905 §8, §10) and steps by its offset.
 *
 * @example
 * ```ts
 * import { ntpClient } from "./sync_protocols.ts";
 * const factory = ntpClient({ server: "ts", intervalMs: 5000, filterSize: 4 });
 * ```
 */
export function ntpClient(options: NtpClientOptions): (rt: Runtime<SyncMessage>) => SyncedProcess {
  const { server, intervalMs = 10_000, filterSize = 8, onAdjust } = options;
  checkInterval(intervalMs);
  if (!Number.isInteger(filterSize) || filterSize < 1 || filterSize > 64) {
    throw new RangeError(`NTP filterSize must be an integer in [1, 64], got ${filterSize}`);
  }
  return (rt) => {
    const clock = adjuster(rt, onAdjust);
    let seq = 0;
    let samples: NtpSample[] = [];
    return pollingClient(rt, clock, intervalMs, {
      poll: () =>
        rt.send(server, { type: "NtpRequest", seq: ++seq, t1: rt.now() + clock.correctionMs }),
      reply(msg) {
        if (msg.type !== "NtpResponse") return unexpected(rt, msg);
        if (msg.seq !== seq) return;
        const t4 = rt.now() + clock.correctionMs;
        samples = [...samples, ntpSample({ t1: msg.t1, t2: msg.t2, t3: msg.t3, t4 })]
          .slice(-filterSize);
        const best = ntpBestSample(samples);
        clock.step(best.offsetMs);
        // Older samples were measured against the clock before this step: re-express them.
        samples = samples.map((s) => ({ ...s, offsetMs: s.offsetMs - best.offsetMs }));
      },
    });
  };
}

/**
 * The Berkeley master: every `intervalMs` polls all peers, estimates each one's difference
 * with round-trip compensation, averages the trusted ones (itself included) and sends each
 * node its own adjustment (Gusella and Zatti 1989).
 *
 * @example
 * ```ts
 * import { berkeleyMaster } from "./sync_protocols.ts";
 * const factory = berkeleyMaster({ intervalMs: 5000, toleranceMs: 50 });
 * ```
 */
export function berkeleyMaster(
  options: BerkeleyMasterOptions = {},
): (rt: Runtime<SyncMessage>) => SyncedProcess {
  const { intervalMs = 10_000, toleranceMs = 100, roundTimeoutMs = 1000, onAdjust } = options;
  checkInterval(intervalMs);
  return (rt) => {
    const clock = adjuster(rt, onAdjust);
    let round = 0;
    let polledMs = 0;
    let reports = new Map<NodeId, number>();
    const local = () => rt.now() + clock.correctionMs;
    return {
      get correctionMs() {
        return clock.correctionMs;
      },
      onStart: () => void rt.setTimer(rt.random.uniform(0, Math.min(intervalMs, 100)), "poll"),
      onTimer(tag) {
        if (tag === "poll") {
          round++;
          polledMs = local();
          reports = new Map();
          for (const peer of rt.peers()) rt.send(peer, { type: "TimePoll", round });
          rt.setTimer(Math.min(roundTimeoutMs, intervalMs / 2), "average", round);
          rt.setTimer(intervalMs, "poll");
          return;
        }
        const readings = [
          { id: rt.id, offsetMs: 0 },
          ...[...reports].map(([id, offsetMs]) => ({ id, offsetMs })),
        ];
        const decision = berkeleyRound(readings, { toleranceMs });
        for (const [id, adjustMs] of Object.entries(decision.adjustmentsMs)) {
          if (id === rt.id) clock.step(adjustMs);
          else rt.send(id, { type: "TimeAdjust", round, adjustMs });
        }
      },
      onMessage(from, msg) {
        if (msg.type !== "TimeReport") return unexpected(rt, msg);
        if (msg.round !== round) return;
        // Round-trip compensation: the report left the slave about RTT/2 ago.
        const nowMs = local();
        const roundTripMs = nowMs - polledMs;
        reports.set(from, msg.clockMs + roundTripMs / 2 - nowMs);
      },
    };
  };
}

/**
 * A Berkeley slave: reports its clock when polled and applies the adjustment it is sent.
 *
 * @example
 * ```ts
 * import { berkeleySlave } from "./sync_protocols.ts";
 * const factory = berkeleySlave();
 * ```
 */
export function berkeleySlave(
  options: Pick<SyncOptions, "onAdjust"> = {},
): (rt: Runtime<SyncMessage>) => SyncedProcess {
  return (rt) => {
    const clock = adjuster(rt, options.onAdjust);
    return {
      get correctionMs() {
        return clock.correctionMs;
      },
      onMessage(from, msg) {
        switch (msg.type) {
          case "TimePoll":
            rt.send(from, {
              type: "TimeReport",
              round: msg.round,
              clockMs: rt.now() + clock.correctionMs,
            });
            return;
          case "TimeAdjust":
            clock.step(msg.adjustMs);
            return;
          default:
            unexpected(rt, msg);
        }
      },
    };
  };
}

/** One-way latency range of a path, for {@linkcode promisedBoundMs}. */
export interface PathDelays {
  forwardMinMs: number;
  forwardMaxMs: number;
  returnMinMs: number;
  returnMaxMs: number;
}

/**
 * The error bound Cristian and NTP promise right after a sync for the configured path
 * delays: half the worst asymmetry a single exchange can see,
 * `max(forwardMax − returnMin, returnMax − forwardMin) / 2`, plus what drift
 * `maxDriftPpm` adds since the sample was taken: up to `samplesKept` poll intervals (NTP's
 * filter may trust a sample that old) and one round trip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { promisedBoundMs } from "./sync_protocols.ts";
 * const delays = { forwardMinMs: 5, forwardMaxMs: 25, returnMinMs: 5, returnMaxMs: 25 };
 * assert.equal(promisedBoundMs(delays, { intervalMs: 10_000, maxDriftPpm: 0 }), 10);
 * ```
 */
export function promisedBoundMs(
  delays: PathDelays,
  options: { intervalMs: number; maxDriftPpm: number; samplesKept?: number },
): number {
  const { samplesKept = 1 } = options;
  const asymmetry = Math.max(
    delays.forwardMaxMs - delays.returnMinMs,
    delays.returnMaxMs - delays.forwardMinMs,
  ) / 2;
  const rho = Math.abs(options.maxDriftPpm) / 1e6;
  const roundTrip = delays.forwardMaxMs + delays.returnMaxMs;
  // The interval is measured on the client's clock, so in true time it can be 1/(1−ρ) longer.
  return asymmetry + rho * (samplesKept * options.intervalMs / (1 - rho) + roundTrip);
}
