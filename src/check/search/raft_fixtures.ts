/**
 * Hand-made fixtures that break each known-broken variant, in the spirit of the paper's own
 * Figure 8. A fixture is an adaptive nemesis: it watches the cluster (who leads, who holds
 * which entry) and partitions or crashes servers at the worst moment. What it did is returned
 * as a plain fault schedule, so the same run replays with `runCheckedRaft`
 * (invariants/raft_run.ts) and prints as a short log; `findRuleFailure` tries fixtures as the
 * search's first cases. Each fixture must find a violation in its variant and none in
 * `"correct"`.
 *
 * @module
 */

import type { Fault, FaultNow, NodeId } from "../../sim/mod.ts";
import type { RaftClusterOptions } from "../../consensus/raft/cluster.ts";
import { createRaftCluster, raftServerOf } from "../../consensus/raft/cluster.ts";
import type { RaftNode } from "../../consensus/raft/node.ts";
import type { KvCommand } from "../../consensus/raft/kv.ts";
import type { RaftVariant } from "../../consensus/raft/types.ts";

/** A fixture's replayable outcome: cluster options plus the fault schedule it chose. */
export interface RaftBreakSchedule {
  /** Which variant the fixture targets. */
  target: Exclude<RaftVariant, "correct">;
  /** What the fixture does, in one paragraph. */
  description: string;
  /** Options for `runCheckedRaft` (without `variant`): seed, sizes, timeouts. */
  options: Omit<RaftClusterOptions, "variant" | "faults">;
  faults: Fault[];
  untilMs: number;
}

type Node = RaftNode<KvCommand>;

class Driver {
  readonly faults: Fault[] = [];
  readonly cluster;
  constructor(options: RaftClusterOptions) {
    this.cluster = createRaftCluster({ ...options, trace: "off" });
  }
  node(id: NodeId): Node | null {
    return raftServerOf(this.cluster.sim, id)?.node ?? null;
  }
  leader(among: readonly NodeId[] = this.cluster.servers): NodeId | undefined {
    return among.find((id) => this.node(id)?.role === "leader");
  }
  /** Runs until `predicate` holds or `limitMs` passes; returns whether it held. */
  runUntil(predicate: () => boolean, limitMs: number): boolean {
    const sim = this.cluster.sim;
    sim.run({ until: predicate, untilMs: sim.now + limitMs });
    return predicate();
  }
  /** Applies a fault just after now, at a whole millisecond, and remembers it. */
  fault(fault: FaultNow): void {
    const sim = this.cluster.sim;
    const atMs = Math.floor(sim.now) + 1;
    const full = { ...fault, atMs } as Fault;
    sim.schedule([full]);
    sim.run({ untilMs: atMs });
    this.faults.push(full);
  }
}

/**
 * Figure 8 on three servers: a leader commits an entry of an earlier term by counting
 * replicas, crashes out of reach, and a server with a newer-term entry at the same index wins
 * and overwrites it. Breaks `"commit-old-term"`.
 *
 * @example
 * ```ts
 * import { figure8Schedule } from "./raft_fixtures.ts";
 * import { runCheckedRaft } from "../invariants/raft_run.ts";
 * const s = figure8Schedule(1);
 * const broken = runCheckedRaft({ ...s.options, variant: "commit-old-term", faults: s.faults, untilMs: s.untilMs });
 * if (broken.violations.length === 0) throw new Error("Figure 8 is caught");
 * ```
 */
export function figure8Schedule(seed: number): RaftBreakSchedule {
  const options = { seed, servers: 3, clients: 1, operations: 400, clientTimeoutMs: 40 };
  const d = new Driver({ ...options, variant: "commit-old-term" });
  const [c1] = d.cluster.clients;
  const servers = d.cluster.servers;
  const last = (id: NodeId) => d.node(id)?.lastIndex ?? 0;
  d.runUntil(() => {
    const l = d.leader();
    return l !== undefined && d.node(l)!.commitIndex >= 2;
  }, 5000);
  const l1 = d.leader()!;
  const others = servers.filter((id) => id !== l1);
  // 1. The leader, alone with the client, appends entry A that nobody else gets.
  d.fault({ kind: "partition", groups: [[l1, c1], others] });
  d.runUntil(() => last(l1) > Math.max(...others.map(last)), 2000);
  const indexA = Math.max(...others.map(last)) + 1;
  // 2. The others elect a leader of a newer term; it appends B at A's index, alone.
  d.fault({ kind: "partition", groups: [[l1], others, [c1]] });
  d.runUntil(() => d.leader(others) !== undefined, 3000);
  const l2 = d.leader(others)!;
  const s3 = others.find((id) => id !== l2)!;
  d.fault({ kind: "partition", groups: [[l1], [l2, c1], [s3]] });
  d.runUntil(() => d.node(l2)!.termAt(indexA) === d.node(l2)!.term, 3000);
  // 3. The old leader returns with s3, wins a third term and copies A to s3: a majority.
  d.fault({ kind: "partition", groups: [[l1, s3], [l2], [c1]] });
  d.runUntil(() => d.node(l1)?.role === "leader" && d.node(s3)!.termAt(indexA) !== undefined, 3000);
  d.runUntil(() => (d.node(l1)?.commitIndex ?? 0) >= indexA, 300);
  // 4. It vanishes before any entry of its own term spreads; l2 returns and wins with s3.
  d.fault({ kind: "partition", groups: [[l1], [l2, s3, c1]] });
  d.runUntil(() => false, 1500);
  d.fault({ kind: "heal" });
  return {
    target: "commit-old-term",
    description:
      "Figure 8: the leader is isolated with an entry A; a new leader of a later term appends B at the same index and is isolated; the first leader returns, wins a third term and copies A to a majority, which the broken rule counts as committed; it vanishes and the second leader returns, wins, and overwrites A with B.",
    options,
    faults: d.faults,
    untilMs: Math.ceil(d.cluster.sim.now) + 1000,
  };
}

/**
 * A follower misses entries while down; on restart the leader's next AppendEntries has a
 * `prevLogIndex` beyond its log, which the unchecked variant appends anyway. Breaks
 * `"no-prev-log-check"`.
 *
 * @example
 * ```ts
 * import { laggingFollowerSchedule } from "./raft_fixtures.ts";
 * laggingFollowerSchedule(1).faults.length; // 4: crash, crash, restart, restart
 * ```
 */
export function laggingFollowerSchedule(seed: number): RaftBreakSchedule {
  const options = { seed, servers: 3, clients: 1, operations: 400, clientTimeoutMs: 40 };
  const d = new Driver({ ...options, variant: "no-prev-log-check" });
  d.runUntil(() => {
    const l = d.leader();
    return l !== undefined && d.node(l)!.commitIndex >= 2;
  }, 5000);
  const leader = d.leader()!;
  const follower = d.cluster.servers.find((id) => id !== leader)!;
  const behind = d.node(follower)!.lastIndex;
  // 1. A follower crashes while the leader and the third server commit more entries.
  d.fault({ kind: "crash", node: follower });
  d.runUntil(() => (d.node(leader)?.commitIndex ?? 0) >= behind + 3, 2000);
  // 2. It restarts as the leader crashes: the third server wins and, as §5.3 says, starts
  //    with nextIndex = its last index + 1 for everyone, beyond the short log.
  d.fault({ kind: "crash", node: leader });
  d.fault({ kind: "restart", node: follower });
  d.runUntil(() => false, 1000);
  d.fault({ kind: "restart", node: leader });
  return {
    target: "no-prev-log-check",
    description:
      "A follower crashes while the others commit three more entries; it restarts as the leader crashes. The new leader's AppendEntries has a prevLogIndex beyond the short log; without the check the follower says yes, then appends new entries at the wrong indexes and applies them.",
    options,
    faults: d.faults,
    untilMs: Math.ceil(d.cluster.sim.now) + 1000,
  };
}

/**
 * A split vote with equal election timeouts: all three servers stand in term 1 at the same
 * moment. A correct candidate has voted for itself and refuses its rivals; the stale-vote
 * candidate never recorded that vote and grants one, so two candidates win term 1. Breaks
 * `"stale-vote"` with no fault at all.
 *
 * @example
 * ```ts
 * import { splitVoteSchedule } from "./raft_fixtures.ts";
 * splitVoteSchedule(1).faults.length; // 0
 * ```
 */
export function splitVoteSchedule(seed: number): RaftBreakSchedule {
  return {
    target: "stale-vote",
    description:
      "Three servers with the same election timeout (150–150 ms) become candidates of term 1 together. Each tallies its own vote but, like the seed, records none, so each grants the first rival that asks: two leaders of term 1.",
    options: {
      seed,
      servers: 3,
      clients: 1,
      operations: 20,
      electionTimeoutMinMs: 150,
      electionTimeoutMaxMs: 150,
    },
    faults: [],
    untilMs: 1500,
  };
}

/** The fixture that breaks a variant. */
export function breakSchedule(
  variant: Exclude<RaftVariant, "correct">,
  seed = 1,
): RaftBreakSchedule {
  switch (variant) {
    case "commit-old-term":
      return figure8Schedule(seed);
    case "no-prev-log-check":
      return laggingFollowerSchedule(seed);
    case "stale-vote":
      return splitVoteSchedule(seed);
  }
}
