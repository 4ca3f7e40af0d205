/**
 * The lab's checks as plain functions, so the mutation test can run them on known-broken
 * implementations: a case table, seeded properties, and a simulated quorum store whose reads
 * use the implementation and whose history goes to the linearizability checker.
 *
 * @module
 */

import fc from "fast-check";
import { type Fault, Simulation } from "../../src/sim/mod.ts";
import { checkHistory } from "../../src/check/mod.ts";
import {
  compareVersions,
  quorumClient,
  type QuorumMessage,
  type QuorumOp,
  quorumReplica,
} from "../../src/replication/mod.ts";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { QuorumLab, Reply } from "./api.ts";

const v = (counter: number, writer = "c1") => ({ counter, writer });
const reply = (node: string, value: number | null, counter: number, writer = "c1"): Reply => ({
  node,
  value,
  version: v(counter, writer),
});

/** Every failure of the case table, as sentences (empty: all pass). */
export function quorumCaseFailures(lab: QuorumLab): string[] {
  const failures: string[] = [];
  const expect = (ok: boolean, message: string) => ok || failures.push(message);
  for (
    const [n, r, w, overlap] of [
      [3, 2, 2, true],
      [3, 1, 2, false],
      [3, 1, 3, true],
      [5, 2, 3, false],
      [5, 3, 3, true],
      [1, 1, 1, true],
    ] as const
  ) {
    expect(
      lab.quorumsOverlap(n, r, w) === overlap,
      `quorumsOverlap(n=${n}, r=${r}, w=${w}) should be ${overlap}`,
    );
  }
  const late = [reply("n1", 1, 1), reply("n2", 2, 2)];
  expect(
    lab.newestReply(late).value === 2,
    "newestReply must return the newest version even when it arrived last (replies n1:v1, n2:v2)",
  );
  const tie = [reply("n1", 7, 5, "c2"), reply("n2", 8, 5, "c1")];
  expect(
    lab.newestReply(tie).value === 7,
    "newestReply must break equal counters by writer (c2 > c1)",
  );
  const decimal = [reply("n1", 9, 9), reply("n2", 10, 10), reply("n3", 2, 2)];
  expect(
    lab.newestReply(decimal).value === 10,
    "newestReply must compare counters as numbers (10 is newer than 9 and 2)",
  );
  const chosen = reply("n3", 3, 3);
  const stale = lab.staleNodes([reply("n1", 1, 1), reply("n2", 3, 3), chosen], chosen);
  expect(
    JSON.stringify([...stale].sort()) === '["n1"]',
    `staleNodes should be ["n1"] (only n1 is older), got ${JSON.stringify(stale)}`,
  );
  return failures;
}

/** Seeded properties: the answer is never older than any reply; repairs are exactly the stale. */
export function quorumPropertyFailure(lab: QuorumLab, seed = 424242): string | null {
  const replies = fc.uniqueArray(
    fc.record({
      node: fc.constantFrom("n1", "n2", "n3", "n4", "n5"),
      value: fc.integer({ min: 0, max: 9 }),
      counter: fc.integer({ min: 0, max: 5 }),
      writer: fc.constantFrom("c1", "c2"),
    }),
    { minLength: 1, maxLength: 5, selector: (r) => r.node },
  ).map((list) => list.map((r) => reply(r.node, r.value, r.counter, r.writer)));
  const result = fc.check(
    fc.property(replies, (list) => {
      const chosen = lab.newestReply(list);
      if (list.some((r) => compareVersions(r.version, chosen.version) > 0)) return false;
      const stale = new Set(lab.staleNodes(list, chosen));
      return list.every((r) =>
        stale.has(r.node) === (compareVersions(r.version, chosen.version) < 0)
      );
    }),
    { seed, numRuns: 300 },
  );
  if (!result.failed) return null;
  return `a quorum read property fails for replies ${JSON.stringify(result.counterexample)} ` +
    `(replay: {seed: ${result.seed}, path: "${result.counterexamplePath}"})`;
}

/**
 * Runs a three-replica store whose reads choose with `lab.newestReply` through a schedule where a
 * failed write is left on one replica (n1): c2 reads it from n1 and n2 and writes it back to n2;
 * c3 then asks n3 (older, answers first) and n1 (newer). Returns the checker's verdict.
 */
export function quorumSimulationVerdict(lab: QuorumLab): string {
  const ring = ["n1", "n2", "n3"];
  const sim = new Simulation<QuorumMessage>({
    seed: 1,
    network: {
      latency: { kind: "constant", ms: 2 },
      // Which reply arrives first is up to the network: here n1's reaches c2 first, and n3's
      // (older) reaches c3 first.
      links: {
        "n2->c2": { latency: { kind: "constant", ms: 6 } },
        "n1->c3": { latency: { kind: "constant", ms: 6 } },
      },
    },
  });
  for (const id of ring) sim.addNode(id, quorumReplica());
  const scripts: QuorumOp[][] = [
    [{ atMs: 0, f: "write", key: "x", value: 1 }, { atMs: 10, f: "write", key: "x", value: 2 }],
    [{ atMs: 100, f: "read", key: "x" }],
    [{ atMs: 140, f: "read", key: "x" }],
  ];
  const options = {
    n: 3,
    r: 2,
    w: 2,
    writeVersions: "clock" as const,
    readRepair: "sync" as const,
    choose: (replies: readonly Reply[]) => lab.newestReply(replies),
  };
  scripts.forEach((ops, i) =>
    sim.addNode(`c${i + 1}`, quorumClient({ ...options, process: i + 1, ring, ops, timeoutMs: 30 }))
  );
  const faults: Fault[] = [
    { atMs: 9, kind: "cut", from: "c1", to: "n2" },
    { atMs: 9, kind: "cut", from: "c1", to: "n3" },
    { atMs: 99, kind: "cut", from: "c2", to: "n3" },
    { atMs: 139, kind: "cut", from: "c3", to: "n2" },
  ];
  sim.schedule(faults);
  sim.run({ untilMs: 500 });
  return checkHistory(sim.history, { model: "kv" }).verdict;
}

/** The lab's checks, in the order they run: the case table, the properties, the simulation. */
export const QUORUM_CHECKS: readonly LabCheck<QuorumLab>[] = [
  failuresCheck(
    "quorumsOverlap, newestReply and staleNodes answer the case table",
    quorumCaseFailures,
  ),
  failuresCheck(
    "A read never returns an older version than a reply, and repairs exactly the stale replicas",
    (lab) => quorumPropertyFailure(lab),
  ),
  failuresCheck(
    "A quorum store reading with your newestReply stays linearizable when a failed write lingers",
    (lab) =>
      quorumSimulationVerdict(lab) === "linearizable"
        ? null
        : "the checker found a stale read: the read picked an older reply than one it had in hand",
  ),
];
