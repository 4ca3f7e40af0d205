/**
 * Linearizability checker throughput on generated histories: linearizable ones of 1k, 5k and
 * 10k operations with 5–10 concurrent processes, and a non-linearizable one (verdict only,
 * and with its explanation, which reruns the search on O(log n) prefixes).
 *
 * Run: `deno bench -A tests/bench/linearizability_bench.ts`
 */

import { checkHistory, type HistoryEvent } from "../../src/check/mod.ts";
import { generateHistory, type GenerateOptions } from "../../src/check/linearizability/generate.ts";
import { Random } from "../../src/sim/random.ts";

function linearizable(seed: number, options: GenerateOptions): HistoryEvent[] {
  const events = generateHistory(new Random(seed), options);
  const verdict = checkHistory(events, { explain: false }).verdict;
  if (verdict !== "linearizable") throw new Error(`Generated history is ${verdict}`);
  return events;
}

/** A linearizable history with one stale read spliced in near the end. */
function withStaleRead(events: HistoryEvent[]): HistoryEvent[] {
  const out = [...events];
  const last = out.length - 1;
  const process = 1000;
  out.splice(
    last,
    0,
    { process, type: "invoke", f: "write", value: 99 },
    {
      process,
      type: "ok",
      f: "write",
      value: 99,
    },
    { process, type: "invoke", f: "write", value: 98 },
    {
      process,
      type: "ok",
      f: "write",
      value: 98,
    },
    { process, type: "invoke", f: "read" },
    { process, type: "ok", f: "read", value: 99 },
  );
  return out;
}

const registerFunctions: GenerateOptions["functions"] = ["read", "write", "cas"];
const cases: [string, HistoryEvent[]][] = [
  [
    "1k ops, 5 processes",
    linearizable(1, { operations: 1000, processes: 5, functions: registerFunctions }),
  ],
  [
    "5k ops, 8 processes",
    linearizable(5, { operations: 5000, processes: 8, functions: registerFunctions }),
  ],
  [
    "10k ops, 10 processes",
    linearizable(10, { operations: 10000, processes: 10, functions: registerFunctions }),
  ],
  [
    "10k ops, 10 processes, 4 keys",
    linearizable(11, { operations: 10000, processes: 10, keys: 4 }),
  ],
  [
    "1k appends+reads, 5 processes",
    linearizable(2, { operations: 1000, processes: 5, functions: ["read", "append"] }),
  ],
];
for (const [name, events] of cases) {
  Deno.bench(`linearizable register: ${name}`, { group: "linearizable" }, () => {
    checkHistory(events);
  });
}

// Unknown outcomes make refuting a long history expensive (see the report), so the violation
// case has none: every operation completes ok or fail.
const broken = withStaleRead(
  linearizable(7, {
    operations: 5000,
    processes: 8,
    functions: registerFunctions,
    infoProbability: 0,
  }),
);
if (checkHistory(broken, { explain: false }).verdict !== "not-linearizable") {
  throw new Error("The stale-read history should not be linearizable");
}
Deno.bench("not linearizable, 5k ops, 8 processes: verdict only", { group: "violation" }, () => {
  checkHistory(broken, { explain: false });
});
Deno.bench(
  "not linearizable, 5k ops, 8 processes: with explanation",
  { group: "violation" },
  () => {
    checkHistory(broken);
  },
);
