import assert from "node:assert/strict";
import { runExperiment } from "./run.ts";
import { runDuel } from "./paxos_dueling.ts";

type ModeSummary = { medianMs: number; p90Ms: number; undecided: number; meanMaxRound: number };

Deno.test("paxos-dueling: immediate retry duels; backoff and a leader decide sooner", () => {
  const run = runExperiment("paxos-dueling", { trials: 100 }, 1);
  const s = run.summary as Record<string, ModeSummary>;
  assert.ok(s.immediate.p90Ms > 2 * s.leader.p90Ms, JSON.stringify(s));
  assert.ok(s.immediate.meanMaxRound > 3 * s.leader.meanMaxRound, JSON.stringify(s));
  assert.ok(s.backoff.p90Ms < s.immediate.p90Ms);
  assert.equal(s.leader.undecided, 0);
  assert.equal(run.charts.length, 3);
  assert.equal(runExperiment("paxos-dueling", { trials: 100 }, 1).traceHash, run.traceHash);
});

Deno.test("a duel never chooses two values, whatever the retry policy", () => {
  for (const mode of ["immediate", "backoff", "leader"] as const) {
    for (let seed = 1; seed <= 30; seed++) {
      const trial = runDuel(mode, seed, {
        proposers: 3,
        acceptors: 5,
        latencyMaxMs: 20,
        lossProbability: 0.1,
        horizonMs: 3000,
      });
      const chosen = new Set(
        trial.events.flatMap((e) =>
          e.kind === "state" && e.key === "chosen" ? [(e.value as { value: string }).value] : []
        ),
      );
      assert.ok(chosen.size <= 1, `${mode} seed ${seed}: ${[...chosen]}`);
    }
  }
});
