/**
 * A small, seeded nemesis for Raft clusters — crashes with restarts, partitions with heals,
 * loss bursts — and a greedy shrinker that removes faults while a run still fails. Lab tests
 * and property tests use it when the generic fault-schedule search is not at hand.
 *
 * @module
 */

import type { Fault, NodeId } from "../../sim/mod.ts";
import { Random } from "../../sim/mod.ts";

/** Options of {@linkcode randomRaftFaults}. */
export interface RandomRaftFaultsOptions {
  /** The servers faults may hit. */
  servers: readonly NodeId[];
  /** Fault episodes (each a crash+restart, a partition+heal or a loss burst). @default 6 */
  episodes?: number;
  /** Faults stop by this time. @default 4000 */
  durationMs?: number;
  /** Highest loss probability of a burst. @default 0.3 */
  maxLoss?: number;
  /**
   * Clients to place in partitions (each joins a random side). Unlisted nodes form a group of
   * their own, so without this a partition cuts every client off. @default []
   */
  clients?: readonly NodeId[];
}

/**
 * A random fault schedule, the same for the same seed.
 *
 * @example
 * ```ts
 * import { randomRaftFaults } from "./raft_random_faults.ts";
 * const faults = randomRaftFaults(7, { servers: ["n1", "n2", "n3"] });
 * if (faults.some((f) => f.atMs > 4000)) throw new Error("within the duration");
 * ```
 */
export function randomRaftFaults(seed: number, options: RandomRaftFaultsOptions): Fault[] {
  const episodes = options.episodes ?? 6;
  const durationMs = options.durationMs ?? 4000;
  const maxLoss = options.maxLoss ?? 0.3;
  const servers = options.servers;
  if (servers.length < 2) throw new RangeError("randomRaftFaults needs at least 2 servers");
  if (!(Number.isInteger(episodes) && episodes >= 0 && episodes <= 100)) {
    throw new RangeError(
      `randomRaftFaults option episodes must be an integer in [0, 100], got ${episodes}`,
    );
  }
  const random = new Random(seed);
  const out: Fault[] = [];
  for (let i = 0; i < episodes; i++) {
    const atMs = Math.round(random.uniform(100, durationMs * 0.8));
    const lengthMs = Math.round(random.uniform(50, durationMs * 0.25));
    const endMs = Math.min(durationMs, atMs + lengthMs);
    const kind = random.next();
    if (kind < 0.4) {
      const node = random.pick(servers);
      out.push({ atMs, kind: "crash", node }, { atMs: endMs, kind: "restart", node });
    } else if (kind < 0.8) {
      const shuffled = random.shuffle(servers);
      const cut = random.int(1, servers.length - 1);
      const groups = [shuffled.slice(0, cut), shuffled.slice(cut)];
      for (const client of options.clients ?? []) groups[random.int(0, 1)].push(client);
      out.push({ atMs, kind: "partition", groups }, { atMs: endMs, kind: "heal" });
    } else {
      const loss = Math.round(random.uniform(0.05, maxLoss) * 100) / 100;
      out.push(
        { atMs, kind: "network", set: { lossProbability: loss } },
        { atMs: endMs, kind: "network", set: { lossProbability: 0 } },
      );
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Greedily removes faults while `fails(schedule)` stays true: a locally minimal schedule
 * (removing any single remaining fault makes the run pass). Bounded by `maxRuns` calls.
 *
 * @example
 * ```ts
 * import { shrinkFaults } from "./raft_random_faults.ts";
 * const faults = [{ atMs: 1, kind: "heal" }, { atMs: 2, kind: "crash", node: "n1" }] as const;
 * const minimal = shrinkFaults([...faults], (s) => s.some((f) => f.kind === "crash"));
 * if (minimal.length !== 1) throw new Error("only the crash matters");
 * ```
 */
export function shrinkFaults(
  faults: readonly Fault[],
  fails: (schedule: Fault[]) => boolean,
  options: { maxRuns?: number } = {},
): Fault[] {
  let current = [...faults];
  let runs = 0;
  const maxRuns = options.maxRuns ?? 200;
  let progress = true;
  while (progress && runs < maxRuns) {
    progress = false;
    for (let i = current.length - 1; i >= 0 && runs < maxRuns; i--) {
      const candidate = current.filter((_, j) => j !== i);
      runs++;
      if (fails(candidate)) {
        current = candidate;
        progress = true;
      }
    }
  }
  return current;
}
