/**
 * The eight fallacies of distributed computing (L. Peter Deutsch, 1994; James Gosling added
 * the eighth) mapped to the simulator knobs that break each assumption, and to the patterns
 * and labs that answer it.
 *
 * @module
 */

/** Identifier of a fallacy, in the traditional order. */
export type FallacyId =
  | "reliable"
  | "latency"
  | "bandwidth"
  | "secure"
  | "topology"
  | "administrator"
  | "transport-cost"
  | "homogeneous";

/** One fallacy: the assumption, what really happens, and where netsplit lets you break it. */
export interface Fallacy {
  id: FallacyId;
  number: number;
  assumption: string;
  reality: string;
  /** Simulator knobs, as `NetworkOptions`/`NodeOptions`/`Fault` field names. */
  knobs: string[];
  /** Patterns that answer the fallacy (page paths relative to the site root). */
  patterns: { name: string; page: string }[];
  /** Labs that exercise it. */
  labs: string[];
}

/** The eight fallacies, in order. */
export const FALLACIES: readonly Fallacy[] = [
  {
    id: "reliable",
    number: 1,
    assumption: "The network is reliable.",
    reality:
      "Messages are lost, duplicated and delayed; a missing reply cannot tell you whether the request ran.",
    knobs: ["lossProbability", "duplicateProbability", "partition", "crash"],
    patterns: [
      { name: "Retry with backoff and idempotency", page: "/resilience" },
      { name: "Raft", page: "/raft" },
      { name: "Sagas and outbox", page: "/sagas" },
      { name: "CRDTs", page: "/crdt" },
      { name: "Replication and failover", page: "/replication" },
      { name: "Messaging delivery guarantees", page: "/messaging" },
    ],
    labs: ["raft-log", "crdt", "saga", "outbox", "circuit-breaker", "quorum"],
  },
  {
    id: "latency",
    number: 2,
    assumption: "Latency is zero.",
    reality: "Every hop costs time, the cost varies, and messages overtake each other.",
    knobs: ["latency", "fifo"],
    patterns: [
      { name: "Time and order", page: "/time" },
      { name: "Timeouts", page: "/resilience" },
      { name: "Tracing", page: "/observability" },
    ],
    labs: ["vector-clocks", "hlc"],
  },
  {
    id: "bandwidth",
    number: 3,
    assumption: "Bandwidth is infinite.",
    reality: "Links have capacity; queues build up behind big messages and overflow.",
    knobs: ["bandwidthBytesPerMs", "queueLimitBytes", "storm"],
    patterns: [{ name: "Bulkhead and rate limiting", page: "/resilience" }],
    labs: [],
  },
  {
    id: "secure",
    number: 4,
    assumption: "The network is secure.",
    reality: "Messages can be altered in flight or forged outright by anyone on the path.",
    knobs: ["tamperProbability", "authenticate", "forge", "byzantine"],
    patterns: [
      { name: "Service mesh with mTLS", page: "/services" },
      { name: "PBFT under Byzantine faults", page: "/byzantine" },
    ],
    labs: ["pbft-quorums"],
  },
  {
    id: "topology",
    number: 5,
    assumption: "Topology doesn't change.",
    reality: "Nodes join and leave, links are cut, partitions split a cluster into islands.",
    knobs: ["partition", "cut", "heal", "join", "leave"],
    patterns: [
      { name: "Raft", page: "/raft" },
      { name: "Consistent hashing", page: "/partitioning" },
      { name: "CRDTs", page: "/crdt" },
      { name: "CAP and PACELC", page: "/cap" },
    ],
    labs: ["raft-election", "consistent-hashing", "crdt"],
  },
  {
    id: "administrator",
    number: 6,
    assumption: "There is one administrator.",
    reality:
      "Nodes are configured by different people at different times, and the settings drift apart.",
    knobs: ["config"],
    patterns: [{ name: "Raft (timeouts)", page: "/raft" }],
    labs: ["raft-election"],
  },
  {
    id: "transport-cost",
    number: 7,
    assumption: "Transport cost is zero.",
    reality: "Every message and byte costs CPU, money and battery; chatty protocols add up.",
    knobs: ["costPerMessage", "costPerByte"],
    patterns: [{ name: "Batching and anti-entropy", page: "/replication" }],
    labs: [],
  },
  {
    id: "homogeneous",
    number: 8,
    assumption: "The network is homogeneous.",
    reality: "Machines differ in speed, clock rate and software version.",
    knobs: ["processingMs", "slow", "clock.driftPpm", "clock-drift", "clock-jump"],
    patterns: [
      { name: "Time and order", page: "/time" },
      { name: "Load balancing", page: "/services" },
    ],
    labs: ["hlc"],
  },
];

/** Looks a fallacy up by id; throws RangeError listing the ids when unknown. */
export function fallacy(id: string): Fallacy {
  const found = FALLACIES.find((f) => f.id === id);
  if (found === undefined) {
    throw new RangeError(
      `Unknown fallacy "${id}" (known: ${FALLACIES.map((f) => f.id).join(", ")})`,
    );
  }
  return found;
}
