/**
 * The simulation player's model: record a run, move a cursor over its events, rewind by
 * re-simulating from the seed, and fork (apply faults or knob changes at the cursor and
 * continue). Pure and deterministic: the same recording always gives the same tape, so a
 * permalink of `(recording, cursor)` restores exactly what was on screen.
 *
 * Why re-simulate instead of snapshotting: processes are arbitrary closures, so the only
 * faithful way to see a node's internal state at event k is to run the same seed to event k
 * again. The kernel is fast enough that thousands of events replay in milliseconds
 * (see tests/bench/player_bench.ts).
 *
 * Inspired by RaftScope's pause/step/rewind and by TigerBeetle's VOPR: one seed reproduces
 * the run, and a what-if is just more data appended to the recording.
 *
 * @module
 */

import type { Simulation } from "../sim/simulation.ts";
import type { TraceEvent } from "../sim/trace.ts";
import type { Message, NodeId } from "../sim/types.ts";
import type {
  BranchChange,
  BranchPoint,
  FaultAction,
  ForkPoint,
  PlayerSession,
  Recording,
} from "./recording.ts";
import { MAX_SESSION_BRANCHES, validatePlayerSession, validateRecording } from "./recording.ts";
import type { FaultVerb } from "./fault_verbs.ts";
import { faultVerb } from "./fault_verbs.ts";
import type { PlayerScenario } from "./scenarios.ts";
import { getScenario, PLAYER_SCENARIOS, resolveScenarioParams } from "./scenarios.ts";

/** A recorded run: the recording plus every trace event it produced. */
export interface Tape {
  recording: Recording;
  events: TraceEvent[];
  /** Trace length after each simulation step; forks land on these. */
  boundaries: number[];
  /** True time when the run stopped (ms). */
  endMs: number;
  /** True when the run hit `maxEvents` before `untilMs`. */
  truncated: boolean;
}

/** Options for {@linkcode replayRecording}. */
export interface ReplayOptions {
  /** Stop once the trace holds at least this many events. @default Infinity */
  stopAfterEvents?: number;
  /** Upper bound on trace events, so a runaway scenario cannot hang the page. @default 50_000 */
  maxEvents?: number;
  /** Scenarios to look the recording's scenario up in. @default PLAYER_SCENARIOS */
  scenarios?: readonly PlayerScenario[];
}

/** The simulation after a replay plus what the tape needs. */
export interface Replay {
  sim: Simulation<Message>;
  scenario: PlayerScenario;
  boundaries: number[];
  truncated: boolean;
}

/**
 * Re-simulates a recording from its seed: builds the scenario, schedules the faults, steps
 * event by event and applies each fork when the trace reaches its `afterEvent`.
 *
 * @example
 * ```ts
 * import { replayRecording } from "./player_model.ts";
 * const { sim } = replayRecording({ scenario: "heartbeat", seed: 1, params: {}, faults: [], untilMs: 300 });
 * if (sim.now > 300) throw new Error("stops at untilMs");
 * ```
 */
export function replayRecording(recording: Recording, options: ReplayOptions = {}): Replay {
  const checked = validateRecording(recording);
  const scenario = getScenario(checked.scenario, options.scenarios ?? PLAYER_SCENARIOS);
  const params = resolveScenarioParams(scenario, checked.params);
  const untilMs = checked.untilMs ?? scenario.defaultUntilMs;
  const stopAfter = options.stopAfterEvents ?? Infinity;
  const maxEvents = options.maxEvents ?? 50_000;
  const sim = scenario.build(params, checked.seed);
  if (sim.trace.mode !== "full") {
    throw new RangeError(
      `Player scenario "${scenario.name}" must build its simulation with trace "full", got "${sim.trace.mode}"`,
    );
  }
  sim.schedule(checked.faults);
  const forks: ForkPoint[] = checked.forks ?? [];
  const events = sim.trace.events;
  // Start every node without processing an event, so onStart's sends are the first boundary.
  sim.run({ until: () => true });
  const boundaries: number[] = [events.length];
  let nextFork = 0;
  let truncated = false;
  for (;;) {
    // Forks land between steps, so every fork point is a boundary of the run it extends.
    while (nextFork < forks.length && forks[nextFork].afterEvent <= events.length) {
      for (const fault of forks[nextFork].faults) sim.apply(fault);
      boundaries[boundaries.length - 1] = events.length;
      nextFork++;
    }
    if (events.length >= stopAfter) break;
    if (events.length >= maxEvents) {
      truncated = true;
      break;
    }
    const next = sim.nextEventTime();
    if (next === undefined || next > untilMs) {
      // Leftover forks past the end still apply, so a fork at the very end is not lost.
      if (nextFork < forks.length) {
        for (const fork of forks.slice(nextFork)) for (const f of fork.faults) sim.apply(f);
        boundaries[boundaries.length - 1] = events.length;
        nextFork = forks.length;
        continue;
      }
      break;
    }
    sim.step();
    boundaries.push(events.length);
  }
  return { sim, scenario, boundaries, truncated };
}

/**
 * Records a run to its end.
 *
 * @example
 * ```ts
 * import { record } from "./player_model.ts";
 * const tape = record({ scenario: "heartbeat", seed: 1, params: {}, faults: [] });
 * if (tape.events.length === 0) throw new Error("events recorded");
 * ```
 */
export function record(recording: Recording, options: ReplayOptions = {}): Tape {
  const checked = validateRecording(recording);
  const { sim, boundaries, truncated } = replayRecording(checked, {
    ...options,
    stopAfterEvents: Infinity,
  });
  return { recording: checked, events: sim.trace.events, boundaries, endMs: sim.now, truncated };
}

/** What a node looks like at the cursor. */
export interface NodeView {
  id: NodeId;
  up: boolean;
  /** Latest value of each traced `state(key, value)`. */
  state: Record<string, unknown>;
  /** The scenario's view of the process (re-simulated), when it has an `inspect`. */
  process?: unknown;
}

/** The world at the cursor, rebuilt by re-simulation. */
export interface Snapshot {
  /** Events before the cursor. */
  cursor: number;
  /** True time of the last event before the cursor (0 at the start). */
  timeMs: number;
  nodes: NodeView[];
}

/**
 * The latest traced state of each node, read from the events (no re-simulation).
 *
 * @example
 * ```ts
 * import { latestStates } from "./player_model.ts";
 * const s = latestStates([{ t: 1, kind: "state", node: "n1", key: "role", value: "leader" }]);
 * if (s.n1.role !== "leader") throw new Error("latest wins");
 * ```
 */
export function latestStates(
  events: readonly TraceEvent[],
): Record<NodeId, Record<string, unknown>> {
  const out: Record<NodeId, Record<string, unknown>> = {};
  for (const event of events) {
    if (event.kind === "state") (out[event.node] ??= {})[event.key] = event.value;
  }
  return out;
}

/**
 * A player over one tape: a cursor (number of events shown), stepping, seeking, snapshots
 * by re-simulation, and forks that return a new model for the branch.
 *
 * @example
 * ```ts
 * import { PlayerModel } from "./player_model.ts";
 * const player = new PlayerModel({ scenario: "heartbeat", seed: 1, params: {}, faults: [] });
 * player.seek(50);
 * const branch = player.fork([{ kind: "crash", node: "n2" }]);
 * if (branch.tape.events.length === player.tape.events.length) throw new Error("the branch differs");
 * player.seek(0); // rewind
 * ```
 */
export class PlayerModel {
  readonly tape: Tape;
  /** The model this one was forked from, if any. */
  readonly parent: PlayerModel | null;
  #cursor = 0;
  #scenarios: readonly PlayerScenario[];

  constructor(
    recording: Recording,
    options: { cursor?: number; parent?: PlayerModel; scenarios?: readonly PlayerScenario[] } = {},
  ) {
    this.#scenarios = options.scenarios ?? PLAYER_SCENARIOS;
    this.tape = record(recording, { scenarios: this.#scenarios });
    this.parent = options.parent ?? null;
    this.seek(options.cursor ?? 0);
  }

  /** The recording this model plays. */
  get recording(): Recording {
    return this.tape.recording;
  }

  /** Number of events in the tape. */
  get length(): number {
    return this.tape.events.length;
  }

  /** Number of events shown (0 = before the first event, `length` = the end). */
  get cursor(): number {
    return this.#cursor;
  }

  /** The events before the cursor. */
  get visible(): TraceEvent[] {
    return this.tape.events.slice(0, this.#cursor);
  }

  /** Moves the cursor, clamped to `[0, length]`; returns the new cursor. */
  seek(cursor: number): number {
    if (!Number.isFinite(cursor)) {
      throw new RangeError(`Player cursor must be a number, got ${cursor}`);
    }
    this.#cursor = Math.max(0, Math.min(this.length, Math.trunc(cursor)));
    return this.#cursor;
  }

  /** Shows `count` more events (negative steps back); returns the new cursor. */
  step(count = 1): number {
    return this.seek(this.#cursor + count);
  }

  /** Whether the cursor is at the end of the tape. */
  get atEnd(): boolean {
    return this.#cursor >= this.length;
  }

  /** The fork point for the cursor: the first step boundary at or after it. */
  forkPoint(cursor = this.#cursor): number {
    if (cursor <= 0) return this.tape.boundaries[0] ?? 0;
    const b = this.tape.boundaries;
    let lo = 0, hi = b.length - 1;
    if (hi < 0 || b[hi] < cursor) return this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] >= cursor) hi = mid;
      else lo = mid + 1;
    }
    return b[lo];
  }

  /**
   * Rebuilds the world at the cursor by re-simulating from the seed (the "rewind"). Node
   * `up` and `process` come from the fresh simulation; `state` from the trace.
   */
  snapshot(cursor = this.#cursor): Snapshot {
    const k = Math.max(0, Math.min(this.length, cursor));
    const { sim, scenario } = replayRecording(this.recording, {
      stopAfterEvents: k,
      scenarios: this.#scenarios,
    });
    const events = this.tape.events.slice(0, k);
    const states = latestStates(events);
    const nodes = sim.nodes.map((id): NodeView => {
      const process = sim.processOf(id);
      const view: NodeView = { id, up: sim.isUp(id), state: states[id] ?? {} };
      if (scenario.inspect && process) view.process = scenario.inspect(process);
      return view;
    });
    return { cursor: k, timeMs: k > 0 ? events[k - 1].t : 0, nodes };
  }

  /**
   * Forks at the cursor: applies `faults` there (after the current step) and continues to
   * the end. Returns the branch, its cursor on the fork.
   *
   * @param options `at`: fork there instead of at the cursor (a restored link's fork point).
   */
  fork(faults: readonly FaultAction[], options: { at?: number } = {}): PlayerModel {
    if (faults.length === 0) {
      throw new RangeError("Cannot fork without at least one fault or knob change");
    }
    if (options.at !== undefined && !(Number.isInteger(options.at) && options.at >= 0)) {
      throw new RangeError(`Fork option at must be an integer >= 0, got ${options.at}`);
    }
    const afterEvent = this.forkPoint(options.at ?? this.#cursor);
    // Forking a fork before its own fork point starts from a prefix that never saw the later
    // forks: keep only the forks that happened before this point.
    const earlier = (this.recording.forks ?? []).filter((f) => f.afterEvent < afterEvent);
    const forks = [...earlier, {
      afterEvent,
      faults: structuredClone([...faults]),
    }];
    return new PlayerModel(
      { ...this.recording, forks },
      { cursor: afterEvent + faults.length, parent: this, scenarios: this.#scenarios },
    );
  }

  /** The trace events before the first difference between this tape and another. */
  commonPrefix(other: PlayerModel): number {
    const a = this.tape.events, b = other.tape.events;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
    }
    return n;
  }
}

/** One branch of a {@linkcode PlayerBranches}: its model and, for a fork, how it came about. */
export interface PlayerBranch {
  model: PlayerModel;
  /** Absent for main. */
  point?: BranchPoint;
}

/**
 * Main and every fork made from it (or from a fork), with the one on screen: the player's
 * whole state, which {@linkcode PlayerBranches.session} turns into data for a permalink and
 * {@linkcode PlayerBranches.fromSession} turns back into the same branches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlayerBranches } from "./player_model.ts";
 * const branches = new PlayerBranches({ scenario: "heartbeat", seed: 1, params: {}, faults: [] });
 * branches.model.seek(50);
 * branches.fork({ verb: "crash", node: "n2" });
 * const again = PlayerBranches.fromSession(branches.session());
 * assert.equal(again.all.length, 2);
 * assert.equal(again.shown, 1);
 * assert.deepEqual(again.model.recording, branches.model.recording);
 * ```
 */
export class PlayerBranches {
  #branches: PlayerBranch[];
  #shown = 0;
  #scenarios: readonly PlayerScenario[];

  constructor(
    main: Recording,
    options: { cursor?: number; scenarios?: readonly PlayerScenario[] } = {},
  ) {
    this.#scenarios = options.scenarios ?? PLAYER_SCENARIOS;
    this.#branches = [{
      model: new PlayerModel(main, { cursor: options.cursor, scenarios: this.#scenarios }),
    }];
  }

  /**
   * Rebuilds every branch of a session by replaying main and re-applying each fork at its
   * fork point; the shown branch gets the session's cursor.
   * @throws RangeError for a malformed session, an unknown verb or a missing node.
   */
  static fromSession(
    session: PlayerSession,
    options: { scenarios?: readonly PlayerScenario[] } = {},
  ): PlayerBranches {
    const checked = validatePlayerSession(session);
    const out = new PlayerBranches(checked.main, options);
    for (const point of checked.branches) {
      const parent = out.#branches[point.from].model;
      const model = parent.fork(out.#faultsOf(point.change), { at: point.afterEvent });
      out.#branches.push({ model, point: structuredClone(point) });
    }
    out.#shown = checked.shown;
    if (checked.cursor !== undefined) out.model.seek(checked.cursor);
    return out;
  }

  /** Every branch, main first, in the order they were made. */
  get all(): readonly PlayerBranch[] {
    return this.#branches;
  }

  /** Index of the branch on screen (0 is main). */
  get shown(): number {
    return this.#shown;
  }

  /** The model on screen. */
  get model(): PlayerModel {
    return this.#branches[this.#shown].model;
  }

  /** Shows another branch (its cursor is where it was left). */
  show(index: number): PlayerModel {
    if (!(Number.isInteger(index) && index >= 0 && index < this.#branches.length)) {
      throw new RangeError(
        `Branch index must be 0 to ${this.#branches.length - 1}, got ${index}`,
      );
    }
    this.#shown = index;
    return this.model;
  }

  /**
   * Forks the shown branch at its cursor with a verb (or raw faults) and shows the fork.
   * @throws RangeError for an unknown verb, a missing node, or too many branches.
   */
  fork(change: BranchChange): PlayerModel {
    if (this.#branches.length - 1 >= MAX_SESSION_BRANCHES) {
      throw new RangeError(`Cannot fork: a player holds at most ${MAX_SESSION_BRANCHES} forks`);
    }
    const parent = this.model;
    const model = parent.fork(this.#faultsOf(change));
    const forks = model.recording.forks ?? [];
    const point: BranchPoint = {
      from: this.#shown,
      afterEvent: forks[forks.length - 1].afterEvent,
      change: structuredClone(change),
    };
    this.#branches.push({ model, point });
    this.#shown = this.#branches.length - 1;
    return model;
  }

  /** The whole state as data, for a permalink: main, every fork, the shown branch, its cursor. */
  session(): PlayerSession {
    return {
      main: this.#branches[0].model.recording,
      branches: this.#branches.slice(1).map((b) => structuredClone(b.point as BranchPoint)),
      shown: this.#shown,
      cursor: this.model.cursor,
    };
  }

  // `isolate` cuts a node off from every node of the run, as the player's menu does.
  #faultsOf(change: BranchChange): FaultAction[] {
    if ("faults" in change) return structuredClone(change.faults);
    const peers = this.#branches[0].model.snapshot(0).nodes.map((n) => n.id);
    return faultVerb(change.verb as FaultVerb, { node: change.node, value: change.value, peers });
  }
}
