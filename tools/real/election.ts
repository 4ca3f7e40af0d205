/**
 * Prediction against reality: leader-election downtime of a real etcd cluster after its leader
 * is killed, beside what netsplit's simulator predicts for the same setup (`electionTrial` of
 * the `raft-election` experiment, fed with the cluster's timeouts and its measured round-trip
 * and durable-write times).
 *
 * Downtime is measured as the simulator measures it: from the kill until every surviving member
 * names the same new leader (etcd's `/v3/maintenance/status`, polled every `pollMs`).
 *
 * @module
 */
import { electionTrial } from "../../src/experiments/raft_election.ts";
import { delay, EtcdCluster, gatewayPost, toBase64 } from "./etcd.ts";

/** What one downtime trial measured. */
export interface DowntimeTrial {
  trial: number;
  killed: string;
  newLeader: string;
  downtimeMs: number;
}

/** Latencies measured on the healthy cluster, which feed the prediction. */
export interface MeasuredLatency {
  /** Median round trip of a status request to a member (the network and HTTP stack). */
  rttMs: number;
  /** 25th and 75th percentiles of a put's latency minus one round trip: the durable write. */
  fsyncMinMs: number;
  fsyncMaxMs: number;
}

const quantileOf = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** Measures round trips and put latencies on a healthy cluster. */
export async function measureLatency(cluster: EtcdCluster, samples = 50): Promise<MeasuredLatency> {
  const member = cluster.members[0];
  const rtts: number[] = [];
  const puts: number[] = [];
  for (let i = 0; i < samples; i++) {
    let t = performance.now();
    await cluster.status(member, 1000);
    rtts.push(performance.now() - t);
    t = performance.now();
    await gatewayPost(member.clientUrl, "/v3/kv/put", {
      key: toBase64("netsplit-latency"),
      value: toBase64(String(i)),
    }, 2000);
    puts.push(performance.now() - t);
  }
  rtts.sort((a, b) => a - b);
  puts.sort((a, b) => a - b);
  const rttMs = quantileOf(rtts, 0.5);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    rttMs: round(rttMs),
    fsyncMinMs: round(Math.max(0.05, quantileOf(puts, 0.25) - rttMs)),
    fsyncMaxMs: round(Math.max(0.1, quantileOf(puts, 0.75) - rttMs)),
  };
}

/**
 * Kills the leader `trials` times and measures each downtime. Between trials the killed member
 * restarts and the cluster settles; each kill falls at a random point of a heartbeat interval.
 */
export async function measureDowntime(
  cluster: EtcdCluster,
  trials: number,
  options: { pollMs?: number; onTrial?: (trial: DowntimeTrial) => void } = {},
): Promise<DowntimeTrial[]> {
  const pollMs = options.pollMs ?? 2;
  const results: DowntimeTrial[] = [];
  for (let trial = 0; trial < trials; trial++) {
    await cluster.waitUntilReady(30_000);
    const leader = await cluster.leader();
    if (leader === null) throw new Error(`trial ${trial}: no leader before the kill`);
    const oldStatus = await cluster.status(leader);
    // Land the kill at a uniform point of the heartbeat interval, as the paper's setup does.
    await delay(Math.random() * cluster.heartbeatMs);
    const killedAt = performance.now();
    await cluster.kill(leader.name);
    let downtimeMs = NaN;
    let newLeader = "";
    const survivors = cluster.upMembers;
    while (performance.now() - killedAt < 60_000) {
      const statuses = await Promise.all(survivors.map((m) => cluster.status(m, 200)));
      const ids = new Set(statuses.map((s) => s?.leader ?? "0"));
      const [only] = [...ids];
      if (ids.size === 1 && only !== "0" && only !== oldStatus?.memberId) {
        downtimeMs = performance.now() - killedAt;
        const found = statuses.findIndex((s) => s?.memberId === only);
        newLeader = found >= 0 ? survivors[found].name : only;
        break;
      }
      await delay(pollMs);
    }
    const result = {
      trial,
      killed: leader.name,
      newLeader,
      downtimeMs: Math.round(downtimeMs * 10) / 10,
    };
    results.push(result);
    options.onTrial?.(result);
    cluster.restart(leader.name);
  }
  return results;
}

/**
 * The simulator's prediction for the same setup: etcd randomizes each election timeout in
 * [electionTimeout, 2 × electionTimeout) and heartbeats every `heartbeatMs`.
 */
export function predictDowntime(
  options: {
    servers: number;
    heartbeatMs: number;
    electionTimeoutMs: number;
    latency: MeasuredLatency;
    trials: number;
    seed?: number;
  },
): number[] {
  const oneWay = options.latency.rttMs / 2;
  return Array.from(
    { length: options.trials },
    (_, i) =>
      electionTrial((options.seed ?? 1) * 100_003 + i, {
        servers: options.servers,
        timeoutMinMs: options.electionTimeoutMs,
        timeoutMaxMs: 2 * options.electionTimeoutMs,
        heartbeatMs: options.heartbeatMs,
        latencyMinMs: oneWay * 0.5,
        latencyMaxMs: oneWay * 1.5,
        fsyncMinMs: options.latency.fsyncMinMs,
        fsyncMaxMs: options.latency.fsyncMaxMs,
      }).downtimeMs,
  );
}
