/**
 * Linearizability checker on Porcupine-shaped key-value histories (generateKvHistory: 50
 * clients, 10 keys, puts, appends of distinct strings, reads of the whole value, 2% unknown
 * outcomes), linearizable (`c50-ok`) and with corrupted keys (`c50-bad`). Each bench's name
 * carries the states the checker explores on its history, so states per second is that
 * number over the time per history Deno prints. The baseline of the `c50-bad` group checks
 * every key (`checkAllKeys`, the behaviour before verdict-driven scheduling).
 *
 * Run: `deno bench -A tests/bench/linearizability_kv_bench.ts`
 */

import { checkHistory, type CheckOptions, generateKvHistory } from "../../src/check/mod.ts";
import type { KvHistoryOptions } from "../../src/check/mod.ts";
import { Random } from "../../src/sim/random.ts";

interface Case {
  name: string;
  group: string;
  seed: number;
  history: KvHistoryOptions;
  check?: CheckOptions;
  baseline?: boolean;
}

const cases: Case[] = [
  { name: "c10-ok, 1000 ops", group: "ok", seed: 1, history: { operations: 1000, clients: 10 } },
  { name: "c50-ok, 1000 ops", group: "ok", seed: 1, history: { operations: 1000 } },
  { name: "c50-ok, 3000 ops", group: "ok", seed: 1, history: { operations: 3000 } },
  {
    name: "c50-bad, 1000 ops, every key checked",
    group: "bad",
    seed: 2,
    history: { operations: 1000, corruptKeys: ["3", "6"] },
    check: { checkAllKeys: true },
    baseline: true,
  },
  {
    name: "c50-bad, 1000 ops, stop at the first refuted key",
    group: "bad",
    seed: 2,
    history: { operations: 1000, corruptKeys: ["3", "6"] },
  },
  {
    name: "c50-bad, 3000 ops, stop at the first refuted key",
    group: "bad",
    seed: 1,
    history: { operations: 3000, corruptKeys: ["2", "5", "7"] },
  },
];

for (const c of cases) {
  const events = generateKvHistory(new Random(c.seed), c.history);
  const options: CheckOptions = { model: "kv", explain: false, ...c.check };
  const first = checkHistory(events, options);
  const expected = c.history.corruptKeys === undefined ? "linearizable" : "not-linearizable";
  if (first.verdict !== expected) throw new Error(`${c.name}: ${first.verdict}, not ${expected}`);
  const label = `${c.name} (${events.length} events, ${first.statesExplored} states)`;
  Deno.bench(label, { group: c.group, baseline: c.baseline ?? false }, () => {
    checkHistory(events, options);
  });
}
