/**
 * A search target for CRDT replicas: replicas of one type gossip (`crdtReplicaProcess`), the
 * generated workload issues updates at them, the nemesis crashes, partitions, cuts, slows and
 * loses; at `recoveryAtMs` everything heals (partitions and cuts removed, loss off, crashed
 * replicas restarted) and the run goes on to its horizon. The invariants: strong convergence
 * (replicas that saw the same updates hold equal states, at the end), convergence (every
 * replica has every update) and the type's specification (`check/invariants/crdt.ts`).
 *
 * Known-broken variants (`g-counter/sum-merge`, `or-set/name-tombstones`) are found within the
 * default budget; the result carries the shrunk schedule and the `{seed, path}` replay.
 *
 * @module
 */

import {
  type AnyCrdtType,
  type CrdtMessage,
  crdtReplicaProcess,
  crdtTypeByName,
} from "../../crdt/mod.ts";
import type { CrdtReplicaProcess } from "../../crdt/mod.ts";
import type { LwwStamp } from "../../clocks/mod.ts";
import { Random, Simulation } from "../../sim/mod.ts";
import {
  type CrdtUpdateRecord,
  crdtValueMatches,
  expectedCrdtValue,
  strongConvergenceViolations,
} from "../invariants/crdt.ts";
import type { InvariantChecker, InvariantViolation, SearchCase, SearchTarget } from "./search.ts";
import { randomCrdtOp } from "../../crdt/mod.ts";

/** Options of {@linkcode crdtSearchTarget}. */
export interface CrdtSearchTargetOptions {
  /** A CRDT type or its catalog name. @default "or-set" */
  type?: string | AnyCrdtType;
  /** Replicas. @default 3 */
  replicas?: number;
  /** Push deltas or whole states. @default "delta" */
  mode?: "delta" | "state";
  /** When faults end and everything heals. @default 600 */
  recoveryAtMs?: number;
  /** Run length; the replicas have until then to converge. @default 1200 */
  horizonMs?: number;
  /** At most this many updates. @default 8 */
  maxOps?: number;
}

type Replica = CrdtReplicaProcess<unknown, unknown, unknown>;

/**
 * The CRDT search target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crdtSearchTarget } from "./crdt_target.ts";
 * import { search } from "./search.ts";
 * assert.ok(search(crdtSearchTarget({ type: "pn-counter" }), { seed: 1, numRuns: 5 }).ok);
 * const broken = search(crdtSearchTarget({ type: "g-counter/sum-merge" }), { seed: 1, numRuns: 50 });
 * assert.ok(!broken.ok && broken.replay !== undefined);
 * ```
 */
export function crdtSearchTarget(
  options: CrdtSearchTargetOptions = {},
): SearchTarget<CrdtMessage> {
  const given = options.type ?? "or-set";
  const type = typeof given === "string" ? crdtTypeByName(given) : given;
  const size = options.replicas ?? 3;
  if (!(Number.isInteger(size) && size >= 2 && size <= 9)) {
    throw new RangeError(
      `crdtSearchTarget option replicas must be an integer in [2, 9], got ${size}`,
    );
  }
  const recoveryAtMs = options.recoveryAtMs ?? 600;
  const horizonMs = options.horizonMs ?? 1200;
  if (!(recoveryAtMs > 0 && horizonMs > recoveryAtMs)) {
    throw new RangeError(
      `crdtSearchTarget options need 0 < recoveryAtMs < horizonMs, got ${recoveryAtMs} and ${horizonMs}`,
    );
  }
  const nodes = Array.from({ length: size }, (_, i) => `r${i + 1}`);
  const factory = crdtReplicaProcess(type, { mode: options.mode });
  // Each built simulation's ground truth: the updates issued and what each had observed.
  const updatesOf = new WeakMap<object, CrdtUpdateRecord[]>();
  const replicaOf = (sim: Simulation<CrdtMessage>, id: string) =>
    sim.processOf(id) as Replica | null;

  const invariants: InvariantChecker<CrdtMessage>[] = [
    ({ sim }) => {
      const updates = updatesOf.get(sim) ?? [];
      const snapshots = nodes.map((id) => {
        const r = replicaOf(sim, id);
        return {
          replica: id,
          seen: r === null ? [] : [...r.replica.seen],
          state: r?.replica.state ?? null,
          value: r?.replica.value ?? null,
        };
      });
      const violations: InvariantViolation[] = strongConvergenceViolations(snapshots, sim.now)
        .map((v) => ({ invariant: v.invariant, message: v.message, atMs: v.timeMs }));
      const behind = snapshots.filter((s) => s.seen.length !== updates.length);
      if (behind.length > 0) {
        violations.push({
          invariant: "convergence",
          message: `${
            behind.map((s) => s.replica).join(", ")
          } still lack updates ${(horizonMs - recoveryAtMs)} ms after recovery`,
          atMs: sim.now,
        });
      } else {
        const expected = expectedCrdtValue(type.name, updates);
        const wrong = snapshots.find((s) => !crdtValueMatches(type.name, s.value, expected));
        if (wrong !== undefined) {
          violations.push({
            invariant: "specification",
            message: `${wrong.replica} holds ${JSON.stringify(wrong.value)} but the ${
              type.name.split("/")[0]
            } specification gives ${JSON.stringify(expected)}`,
            atMs: sim.now,
          });
        }
      }
      return violations;
    },
  ];

  return {
    nodes,
    horizonMs,
    faults: {
      maxSteps: 4,
      horizonMs: recoveryAtMs,
      kinds: ["crash", "partition", "cut", "slow", "loss", "delay"],
    },
    workload: { functions: ["update"], clients: 2, minOps: 1, maxOps: options.maxOps ?? 8 },
    quietStateKeys: [],
    build(testCase: SearchCase) {
      const sim = new Simulation<CrdtMessage>({ seed: testCase.seed });
      for (const id of nodes) sim.addNode(id, factory);
      const updates: CrdtUpdateRecord[] = [];
      updatesOf.set(sim, updates);
      const random = new Random(testCase.seed).split("crdt-ops");
      for (const op of testCase.workload) {
        const opRandom = random.split();
        // Updates happen before recovery (scaled into it), so the replicas owe convergence.
        sim.at((op.atMs * recoveryAtMs) / horizonMs, () => {
          const r = replicaOf(sim, op.node);
          if (r === null) return; // a crashed replica takes no updates
          const stamp: LwwStamp = { l: Math.floor(sim.now), c: updates.length, node: op.node };
          const crdtOp = randomCrdtOp(type.name, opRandom, stamp);
          const id = updates.length + 1;
          updates.push({
            id,
            replica: op.node,
            timeMs: sim.now,
            op: crdtOp,
            observed: [...r.replica.seen],
          });
          r.update(crdtOp, id);
        });
      }
      // Recovery: every fault ends, so convergence is owed by the horizon.
      sim.schedule([
        { atMs: recoveryAtMs, kind: "heal" },
        {
          atMs: recoveryAtMs,
          kind: "network",
          set: { lossProbability: 0, duplicateProbability: 0 },
        },
        ...nodes.map((node) => ({ atMs: recoveryAtMs, kind: "restart" as const, node })),
        ...nodes.map((node) => ({
          atMs: recoveryAtMs,
          kind: "slow" as const,
          node,
          processingMs: 0,
        })),
      ]);
      return sim;
    },
    invariants,
  };
}
