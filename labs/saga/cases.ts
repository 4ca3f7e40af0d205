/**
 * The saga lab's checks, shared by the tests and the mutation check: a table of logs with the
 * expected next move, and whole runs in the simulator where the orchestrator crashes at every
 * moment of a batch of sagas.
 */

import type { Fault, TraceEvent } from "../../src/sim/mod.ts";
import {
  healTransactionsFaults,
  sagaAppliedOnce,
  sagaAtomicity,
  sagaCompensationOrder,
  sagaSimulation,
} from "../../src/check/mod.ts";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { SagaLab, SagaLogRecord, SagaNext } from "./api.ts";

const r = (kind: string, extra: Record<string, unknown> = {}) =>
  ({ sagaId: "s1", kind, ...extra }) as SagaLogRecord;

/** Logs of a 3-step saga and the move each must lead to. */
export const NEXT_CASES: { name: string; log: SagaLogRecord[]; expected: SagaNext }[] = [
  { name: "a new saga runs step 0", log: [r("begin")], expected: req("do", 0) },
  {
    name: "after step 0 is done, step 1 runs",
    log: [r("begin"), r("step-done", { step: 0 })],
    expected: req("do", 1),
  },
  {
    name: "after steps 0 and 1 are done, step 2 runs (the last step too)",
    log: [r("begin"), r("step-done", { step: 0 }), r("step-done", { step: 1 })],
    expected: req("do", 2),
  },
  {
    name: "after every step is done, the saga commits",
    log: [r("begin"), ...[0, 1, 2].map((step) => r("step-done", { step }))],
    expected: { kind: "end", outcome: "committed" },
  },
  {
    name: "a refused step 2 compensates step 1 first (reverse order)",
    log: [
      r("begin"),
      r("step-done", { step: 0 }),
      r("step-done", { step: 1 }),
      r("step-failed", { step: 2, abandoned: false }),
    ],
    expected: req("undo", 1),
  },
  {
    name: "after step 1 is compensated, step 0 is",
    log: [
      r("begin"),
      r("step-done", { step: 0 }),
      r("step-done", { step: 1 }),
      r("step-failed", { step: 2, abandoned: false }),
      r("compensated", { step: 1 }),
    ],
    expected: req("undo", 0),
  },
  {
    name: "a failed compensation is asked again",
    log: [
      r("begin"),
      r("step-done", { step: 0 }),
      r("step-failed", { step: 1, abandoned: false }),
      r("undo-failed", { step: 0 }),
    ],
    expected: req("undo", 0),
  },
  {
    name: "a step abandoned without an answer may have run, so it is compensated too",
    log: [r("begin"), r("step-done", { step: 0 }), r("step-failed", { step: 1, abandoned: true })],
    expected: req("undo", 1),
  },
  {
    name: "an abandoned first step is compensated too (it may have run)",
    log: [r("begin"), r("step-failed", { step: 0, abandoned: true })],
    expected: req("undo", 0),
  },
  {
    name: "a refused first step ends compensated at once",
    log: [r("begin"), r("step-failed", { step: 0, abandoned: false })],
    expected: { kind: "end", outcome: "compensated" },
  },
];

function req(action: "do" | "undo", step: number): SagaNext {
  return { kind: "request", action, step };
}

/** Table failures: one line per wrong answer. */
export function nextCaseFailures(lab: SagaLab): string[] {
  return NEXT_CASES.flatMap(({ name, log, expected }) => {
    let got: unknown;
    try {
      got = lab.next(log, 3);
    } catch (error) {
      got = `throws ${(error as Error).message}`;
    }
    return JSON.stringify(got) === JSON.stringify(expected)
      ? []
      : [`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`];
  });
}

/** What a failing run looks like: its crash schedule and what broke. */
export interface CrashFailure {
  seed: number;
  faults: Fault[];
  violations: string[];
}

const SAGAS = Array.from({ length: 4 }, (_, i) => ({ sagaId: `s${i + 1}`, atMs: i * 15 }));

function runWith(lab: SagaLab, seed: number, faults: Fault[]): string[] {
  const sim = sagaSimulation({
    seed,
    sagas: SAGAS,
    next: (log, steps) => lab.next(log, steps),
    rejectProbability: 0.4,
    undoFailureProbability: 0.4,
  });
  sim.schedule(faults);
  sim.schedule(healTransactionsFaults(400, ["orchestrator"]));
  try {
    sim.run({ untilMs: 2500 });
  } catch (error) {
    return [`the run threw: ${(error as Error).message}`];
  }
  const events: readonly TraceEvent[] = sim.trace.events;
  return [
    ...sagaAtomicity(events, { steps: 3, sagaIds: SAGAS.map((s) => s.sagaId) }),
    ...sagaAppliedOnce(events),
    ...sagaCompensationOrder(events),
  ].map((v) => `${v.invariant}: ${v.message}`);
}

/**
 * Runs the lab's rule with the orchestrator crashed at every moment of the batch (every 2 ms
 * over the first 140 ms, down for 60 ms), smallest schedules first: no crash, then one crash
 * from the earliest. Returns the first (minimal) failing schedule, or null.
 */
export function findCrashFailure(
  lab: SagaLab,
  seeds: readonly number[] = [1, 2, 3],
): CrashFailure | null {
  for (const seed of seeds) {
    const schedules: Fault[][] = [[]];
    for (let t = 0; t < 140; t += 2) {
      schedules.push([
        { atMs: t, kind: "crash", node: "orchestrator" },
        { atMs: t + 60, kind: "restart", node: "orchestrator" },
      ]);
    }
    for (const faults of schedules) {
      const violations = runWith(lab, seed, faults);
      if (violations.length > 0) {
        return { seed, faults, violations };
      }
    }
  }
  return null;
}

/** Explains a crash failure: the seed, the smallest crash schedule and what broke. */
export function describeCrashFailure(failure: CrashFailure): string {
  return [
    `Seed ${failure.seed}, the smallest crash schedule that breaks it:`,
    ...(failure.faults.length
      ? failure.faults.map((f) => `  ${f.atMs} ms ${f.kind} ${"node" in f ? f.node : ""}`)
      : ["  (no crash at all)"]),
    "What broke:",
    ...failure.violations.slice(0, 5).map((v) => `  ${v}`),
  ].join("\n");
}

/** The lab's checks, in the order they run: the table of logs, then the crash runs. */
export const SAGA_CHECKS: readonly LabCheck<SagaLab>[] = [
  failuresCheck(
    `next() gives the right move for each of ${NEXT_CASES.length} saga logs`,
    nextCaseFailures,
  ),
  failuresCheck(
    "every saga ends committed or compensated, in reverse, whenever the orchestrator crashes",
    (lab) => {
      const failure = findCrashFailure(lab);
      return failure === null ? null : describeCrashFailure(failure);
    },
  ),
];
