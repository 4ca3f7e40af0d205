// Page work that is more than one named experiment, run in the experiment worker
// (experiment_worker.js) so it never blocks the page. Each task is a function of the netsplit
// library and plain parameters that returns plain, structured-cloneable data; the page
// starts it with `pageTask(name, params, { invalidation })` from experiment_run.js.

/**
 * Raft's "Break it" section: finds (or takes the hand-made) fault schedule that breaks a
 * variant, then replays it against the variant and against correct Raft. The fault-schedule
 * search runs fast-check, which takes seconds on a phone: the reason this is a worker task.
 *
 * @param {object} ns The netsplit library.
 * @param {{variant: string, source: string}} params `source` is "hand-made" or a search.
 * @returns {{schedule: object, endMs: number, broken: object, correct: object}}
 */
function raftBreak(ns, { variant, source }) {
  const searchTarget = (v) => ns.raftSearchTarget({ variant: v });
  const found = source === "hand-made" ? null : ns.search(searchTarget(variant), { seed: 1 });
  const schedule = found === null ? ns.breakSchedule(variant, 1) : {
    description:
      `The search broke it after ${found.numRuns} generated case(s); fast-check shrank the
schedule to ${found.counterexampleSize} step(s). Replay: ${JSON.stringify(found.replay)}.`,
    faults: found.counterexample.faults,
    untilMs: searchTarget(variant).horizonMs,
  };
  const runOn = (v) => {
    if (found === null) {
      const r = ns.runCheckedRaft({
        ...schedule.options,
        variant: v,
        faults: schedule.faults,
        untilMs: schedule.untilMs,
      });
      return {
        violations: r.violations,
        events: r.cluster.sim.trace.events,
        servers: r.cluster.servers,
      };
    }
    const r = ns.runCase(searchTarget(v), found.counterexample);
    return { violations: r.violations, events: r.sim.trace.events, servers: searchTarget(v).nodes };
  };
  const broken = runOn(variant);
  const correct = runOn("correct");
  const endMs = Math.min(schedule.untilMs, (broken.violations[0]?.atMs ?? schedule.untilMs) + 60);
  // The page draws the run up to the first violation; the rest of the trace would only cost
  // copying. A margin keeps the deliveries of messages still in flight at endMs.
  const upToEnd = (events) => events.filter((event) => event.t <= endMs + 500);
  return {
    schedule: {
      description: schedule.description,
      faults: schedule.faults,
      untilMs: schedule.untilMs,
    },
    endMs,
    broken: { ...broken, events: upToEnd(broken.events) },
    correct: { violations: correct.violations, servers: correct.servers },
  };
}

/** Tasks by name. */
export const PAGE_TASKS = {
  "raft-break": raftBreak,
};
