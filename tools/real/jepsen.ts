/**
 * A Jepsen-style run against a real etcd cluster: concurrent clients (each with at most one open
 * operation) read, write and compare-and-set a few keys through the JSON gateway while a nemesis
 * kills, restarts, pauses and resumes members, or kills whoever leads. Every operation is
 * recorded in netsplit's JSON-lines history format (DESIGN.md): line order is real-time order,
 * a timeout is `info` (unknown outcome), never `fail`; only a refused connection or an error
 * etcd returns before proposing counts as `fail`. The nemesis uses the simulator's fault
 * vocabulary (`crash`, `restart`, `slow` as pause, and `crash-leader`).
 *
 * @module
 */
import type { HistoryEvent } from "../../src/mod.ts";
import {
  delay,
  EtcdCluster,
  type EtcdMember,
  EtcdRequestError,
  fromBase64,
  gatewayPost,
  toBase64,
} from "./etcd.ts";

/** The nemesis verbs, named after the simulator's fault kinds. */
export const REAL_NEMESES = ["crash", "pause", "crash-leader"] as const;
/** One nemesis verb. */
export type RealNemesis = typeof REAL_NEMESES[number];

/** Options of {@linkcode recordRun}. */
export interface RecordRunOptions {
  /** How long clients run, in ms. @default 10000 */
  durationMs?: number;
  /** Concurrent clients. @default 5 */
  clients?: number;
  /** Keys the clients share. @default 3 */
  keys?: number;
  /** Request timeout; a request that takes longer is recorded as `info`. @default 1000 */
  timeoutMs?: number;
  /** Which nemesis verbs to draw from; empty for none. @default all of REAL_NEMESES */
  nemesis?: readonly RealNemesis[];
  /** Time between the start of one fault and the next, in ms. @default 2500 */
  faultIntervalMs?: number;
  /** How long a fault lasts before it is healed, in ms. @default 1200 */
  faultDurationMs?: number;
  /**
   * `linearizable` (etcd's default, reads go through the leader's quorum) or `serializable`
   * (reads answered from the member's local state, which can be stale). @default "linearizable"
   */
  reads?: "linearizable" | "serializable";
  /** Seed of the workload and nemesis choices (not of etcd's own timing). @default 1 */
  seed?: number;
}

/** A nemesis action as it happened. */
export interface NemesisEvent {
  timeMs: number;
  kind: "crash" | "restart" | "pause" | "resume" | "crash-leader";
  node: string;
}

/** What {@linkcode recordRun} returns. */
export interface RecordedRun {
  history: HistoryEvent[];
  nemesis: NemesisEvent[];
  durationMs: number;
  options: Required<RecordRunOptions>;
}

/** A small seeded generator (mulberry32) for workload choices; etcd's timing is not seeded. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills in and checks options; throws a RangeError naming a bad one. */
export function resolveRecordOptions(options: RecordRunOptions): Required<RecordRunOptions> {
  const resolved: Required<RecordRunOptions> = {
    durationMs: options.durationMs ?? 10_000,
    clients: options.clients ?? 5,
    keys: options.keys ?? 3,
    timeoutMs: options.timeoutMs ?? 1000,
    nemesis: options.nemesis ?? REAL_NEMESES,
    faultIntervalMs: options.faultIntervalMs ?? 2500,
    faultDurationMs: options.faultDurationMs ?? 1200,
    reads: options.reads ?? "linearizable",
    seed: options.seed ?? 1,
  };
  const ranges: [keyof RecordRunOptions, number, number][] = [
    ["durationMs", 100, 3_600_000],
    ["clients", 1, 64],
    ["keys", 1, 100],
    ["timeoutMs", 10, 60_000],
    ["faultIntervalMs", 100, 600_000],
    ["faultDurationMs", 10, 600_000],
    ["seed", 0, 2 ** 32 - 1],
  ];
  for (const [name, min, max] of ranges) {
    const value = resolved[name] as number;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
    }
  }
  for (const verb of resolved.nemesis) {
    if (!REAL_NEMESES.includes(verb)) {
      throw new RangeError(`nemesis must be among ${REAL_NEMESES.join(", ")}, got ${verb}`);
    }
  }
  if (resolved.reads !== "linearizable" && resolved.reads !== "serializable") {
    throw new RangeError(`reads must be linearizable or serializable, got ${resolved.reads}`);
  }
  return resolved;
}

type Operation =
  | { f: "read"; key: string }
  | { f: "write"; key: string; value: number }
  | { f: "cas"; key: string; value: [number, number] };

/** Runs one operation against a member; returns the outcome and, for a read, the value. */
async function perform(
  member: EtcdMember,
  op: Operation,
  options: Required<RecordRunOptions>,
): Promise<{ type: "ok" | "fail"; value?: unknown }> {
  const key = toBase64(op.key);
  switch (op.f) {
    case "read": {
      const json = await gatewayPost(member.clientUrl, "/v3/kv/range", {
        key,
        serializable: options.reads === "serializable",
      }, options.timeoutMs);
      const kvs = json.kvs as { value?: string }[] | undefined;
      const value = kvs && kvs.length > 0 ? Number(fromBase64(kvs[0].value ?? "")) : null;
      return { type: "ok", value };
    }
    case "write":
      await gatewayPost(member.clientUrl, "/v3/kv/put", {
        key,
        value: toBase64(String(op.value)),
      }, options.timeoutMs);
      return { type: "ok" };
    case "cas": {
      const [expected, next] = op.value;
      const json = await gatewayPost(member.clientUrl, "/v3/kv/txn", {
        compare: [{ key, target: "VALUE", result: "EQUAL", value: toBase64(String(expected)) }],
        success: [{ request_put: { key, value: toBase64(String(next)) } }],
      }, options.timeoutMs);
      // proto3 JSON leaves `succeeded` out when it is false: the compare did not hold.
      return { type: json.succeeded === true ? "ok" : "fail" };
    }
    default: {
      const unknown: never = op;
      throw new TypeError(`Unknown operation ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Records a run against a started cluster: clients and nemesis run concurrently for
 * `durationMs`, then every fault is healed and open operations are left as unknown.
 *
 * @param cluster A running cluster (see {@linkcode EtcdCluster.start}).
 * @param options Workload and nemesis.
 * @returns The history (JSON-lines events in real-time order) and the nemesis log.
 */
export async function recordRun(
  cluster: EtcdCluster,
  options: RecordRunOptions = {},
  onProgress?: (doneMs: number, totalMs: number) => void,
): Promise<RecordedRun> {
  const resolved = resolveRecordOptions(options);
  const random = generator(resolved.seed);
  const start = performance.now();
  const now = () => Math.round((performance.now() - start) * 10) / 10;
  const history: HistoryEvent[] = [];
  const nemesis: NemesisEvent[] = [];
  const keys = Array.from({ length: resolved.keys }, (_, i) => `k${i}`);
  const members = cluster.members;
  const stopAt = start + resolved.durationMs;

  const client = async (process: number): Promise<void> => {
    let target = process % members.length;
    while (performance.now() < stopAt) {
      const key = keys[Math.floor(random() * keys.length)];
      const roll = random();
      const op: Operation = roll < 0.5
        ? { f: "read", key }
        : roll < 0.8
        ? { f: "write", key, value: Math.floor(random() * 5) }
        : { f: "cas", key, value: [Math.floor(random() * 5), Math.floor(random() * 5)] };
      history.push({
        process,
        type: "invoke",
        f: op.f,
        key,
        value: op.f === "read" ? null : op.value,
        time: now(),
      } as HistoryEvent);
      try {
        const result = await perform(members[target], op, resolved);
        history.push({
          process,
          type: result.type,
          f: op.f,
          key,
          value: op.f === "read" ? result.value : op.value,
          time: now(),
        } as HistoryEvent);
      } catch (error) {
        const definite = error instanceof EtcdRequestError && error.definite;
        history.push({
          process,
          type: definite ? "fail" : "info",
          f: op.f,
          key,
          value: op.f === "read" ? null : op.value,
          time: now(),
          error: error instanceof Error ? error.message : String(error),
        } as HistoryEvent);
        // Try another member next time, as a real client library would.
        target = (target + 1) % members.length;
        if (!definite) {
          // A process with an unknown outcome may still be in flight: Jepsen retires it and
          // uses a fresh process id, so one process never has two open operations.
          process += resolved.clients;
        }
        await delay(20);
      }
    }
  };

  const nemesisLoop = async (): Promise<void> => {
    if (resolved.nemesis.length === 0) return;
    await delay(Math.min(1000, resolved.faultIntervalMs));
    while (performance.now() + resolved.faultDurationMs < stopAt) {
      const verb = resolved.nemesis[Math.floor(random() * resolved.nemesis.length)];
      let victim: EtcdMember | null;
      if (verb === "crash-leader") victim = await cluster.leader();
      else victim = members[Math.floor(random() * members.length)];
      if (victim !== null) {
        const name = victim.name;
        if (verb === "pause") {
          cluster.pause(name);
          nemesis.push({ timeMs: now(), kind: "pause", node: name });
          await delay(resolved.faultDurationMs);
          cluster.resume(name);
          nemesis.push({ timeMs: now(), kind: "resume", node: name });
        } else {
          await cluster.kill(name);
          nemesis.push({ timeMs: now(), kind: verb, node: name });
          await delay(resolved.faultDurationMs);
          cluster.restart(name);
          nemesis.push({ timeMs: now(), kind: "restart", node: name });
        }
      }
      await delay(Math.max(0, resolved.faultIntervalMs - resolved.faultDurationMs));
    }
  };

  const progress = onProgress
    ? setInterval(() => onProgress(Math.min(now(), resolved.durationMs), resolved.durationMs), 1000)
    : undefined;
  try {
    await Promise.all([
      ...Array.from({ length: resolved.clients }, (_, i) => client(i)),
      nemesisLoop(),
    ]);
  } finally {
    if (progress !== undefined) clearInterval(progress);
    for (const member of members) {
      if (member.paused) cluster.resume(member.name);
      if (member.process === null) cluster.restart(member.name);
    }
  }
  return { history, nemesis, durationMs: now(), options: resolved };
}

/** Counts of a history's completed operations. */
export function historyCounts(history: readonly HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = { invoke: 0, ok: 0, fail: 0, info: 0 };
  for (const event of history) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}

/** Re-exported so callers need one import. */
export { EtcdCluster };
