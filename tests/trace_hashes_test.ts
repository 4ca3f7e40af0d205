/**
 * Refactors must not change behaviour: every experiment, with its default parameters and with
 * each value of each enum parameter, keeps the trace hash pinned in
 * `tests/golden/trace_hashes.json` for seeds 1 and 7. A change that must reorder events
 * regenerates the file with `UPDATE=1 deno test -A tests/trace_hashes_test.ts` and says in its
 * commit message which experiments changed and why.
 *
 * @module
 */
import assert from "node:assert/strict";
import { listExperiments, runExperiment } from "../src/experiments/run.ts";

const goldenUrl = new URL("./golden/trace_hashes.json", import.meta.url);

/** Every pinned run: a key naming experiment, parameters and seed, and how to run it. */
function pinnedRuns(): { key: string; run: () => string }[] {
  const runs: { key: string; run: () => string }[] = [];
  for (const experiment of listExperiments()) {
    const variants: Record<string, unknown>[] = [{}];
    for (const [name, spec] of Object.entries(experiment.params)) {
      if (spec.kind !== "enum") continue;
      for (const value of spec.values) if (value !== spec.default) variants.push({ [name]: value });
    }
    for (const params of variants) {
      for (const seed of [1, 7]) {
        runs.push({
          key: `${experiment.name} ${JSON.stringify(params)} seed=${seed}`,
          run: () => runExperiment(experiment.name, params, seed).traceHash,
        });
      }
    }
  }
  return runs;
}

Deno.test("every experiment keeps its pinned trace hash for seeds 1 and 7", async () => {
  const actual: Record<string, string> = {};
  for (const { key, run } of pinnedRuns()) actual[key] = run();
  if (Deno.env.get("UPDATE") === "1") {
    await Deno.writeTextFile(goldenUrl, JSON.stringify(actual, null, 2) + "\n");
    return;
  }
  const golden: Record<string, string> = JSON.parse(await Deno.readTextFile(goldenUrl));
  const changed = Object.keys(golden).filter((key) => golden[key] !== actual[key]);
  const added = Object.keys(actual).filter((key) => !(key in golden));
  assert.deepEqual(
    { changed, added },
    { changed: [], added: [] },
    "trace hashes differ from tests/golden/trace_hashes.json; if the change is meant, " +
      "regenerate with UPDATE=1 and name the experiments in the commit message",
  );
});
