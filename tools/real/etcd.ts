/**
 * A local etcd cluster for netsplit's bridge to real systems: start N members on free loopback
 * ports, each with its own data directory under one temporary folder; kill and restart a member
 * (SIGKILL, data directory kept), pause and resume one (SIGSTOP / SIGCONT), ask who leads, and
 * stop everything cleanly, leaving no process and no folder behind.
 *
 * The cluster is driven through etcd's v3 JSON gateway over HTTP (`/v3/kv/put`, `/v3/kv/range`,
 * `/v3/kv/txn`, `/v3/maintenance/status`), so no native client is needed. This is the only code
 * in netsplit, with the rest of `tools/real/`, that starts processes; `src/` stays pure.
 *
 * Non-goals: network partitions (they need privileges to change the network, such as
 * `iptables` or network namespaces, which a learner's machine or CI may not grant), TLS, auth.
 *
 * @module
 */

/** Where Debian's `etcd-server` package puts the binary. */
export const DEFAULT_ETCD_PATH = "/usr/bin/etcd";

/** Options of {@linkcode EtcdCluster.start}. */
export interface EtcdClusterOptions {
  /** Number of members. @default 3 */
  nodes?: number;
  /** etcd's `--heartbeat-interval`, in ms (etcd's default is 100). @default 50 */
  heartbeatMs?: number;
  /** etcd's `--election-timeout`, in ms (etcd's default is 1000). @default 500 */
  electionTimeoutMs?: number;
  /** Path of the etcd binary. @default "/usr/bin/etcd" */
  etcdPath?: string;
  /** How long to wait for every member to answer, in ms. @default 20000 */
  startTimeoutMs?: number;
}

/** One member: its name, URLs and process. */
export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** The running process, or `null` while the member is killed. */
  process: Deno.ChildProcess | null;
  /** Whether the member is stopped with SIGSTOP. */
  paused: boolean;
}

/** Why a request to etcd did not give an answer. */
export class EtcdRequestError extends Error {
  /**
   * @param message What failed.
   * @param definite `true` when the request certainly had no effect (the connection was
   *   refused, or etcd answered with an error before applying it); `false` when it may have.
   */
  constructor(message: string, readonly definite: boolean) {
    super(message);
    this.name = "EtcdRequestError";
  }
}

/** Whether an etcd binary exists at `path`. */
export function etcdAvailable(path: string = DEFAULT_ETCD_PATH): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and closing it again. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Base64 of a UTF-8 string, as the JSON gateway wants keys and values. */
export function toBase64(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The UTF-8 string a gateway base64 field holds. */
export function fromBase64(text: string): string {
  return decoder.decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

/**
 * Posts one JSON request to a member's gateway. A refused connection, or an answer carrying an
 * error, throws an {@linkcode EtcdRequestError}; a timeout throws one with `definite: false`.
 */
export async function gatewayPost(
  clientUrl: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${clientUrl}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // A refused connection never reached etcd; anything else (a timeout, a reset) may have.
    const refused = /refused|ECONNREFUSED/i.test(text);
    throw new EtcdRequestError(`${path} to ${clientUrl}: ${text}`, refused);
  }
  let json: Record<string, unknown>;
  try {
    json = await response.json();
  } catch {
    throw new EtcdRequestError(`${path} to ${clientUrl}: HTTP ${response.status}, no JSON`, false);
  }
  if (!response.ok || typeof json.error === "string") {
    const message = String(json.error ?? json.message ?? `HTTP ${response.status}`);
    // etcd refuses some requests before proposing them; those certainly had no effect.
    const definite = /no leader|not capable|too many requests|key is not provided/i.test(message);
    throw new EtcdRequestError(`${path} to ${clientUrl}: ${message}`, definite);
  }
  return json;
}

/** A running local etcd cluster. */
export class EtcdCluster {
  readonly members: EtcdMember[];
  readonly root: string;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly #etcdPath: string;
  readonly #initialCluster: string;
  readonly #token: string;
  #stopped = false;

  private constructor(
    root: string,
    members: EtcdMember[],
    options: Required<EtcdClusterOptions>,
  ) {
    this.root = root;
    this.members = members;
    this.heartbeatMs = options.heartbeatMs;
    this.electionTimeoutMs = options.electionTimeoutMs;
    this.#etcdPath = options.etcdPath;
    this.#initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
    this.#token = `netsplit-${root.split("/").pop()}`;
  }

  /**
   * Starts a cluster and waits until every member answers and one leads.
   *
   * @throws {RangeError} On bad options, naming the option and its range.
   * @throws {Error} When the binary is missing or the cluster does not come up in time (the
   *   cluster is stopped and its folder removed first).
   */
  static async start(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const resolved: Required<EtcdClusterOptions> = {
      nodes: options.nodes ?? 3,
      heartbeatMs: options.heartbeatMs ?? 50,
      electionTimeoutMs: options.electionTimeoutMs ?? 500,
      etcdPath: options.etcdPath ?? DEFAULT_ETCD_PATH,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
    };
    const { nodes, heartbeatMs, electionTimeoutMs } = resolved;
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
      throw new RangeError(`nodes must be an integer in [1, 9], got ${nodes}`);
    }
    if (!Number.isInteger(heartbeatMs) || heartbeatMs < 10 || heartbeatMs > 5000) {
      throw new RangeError(`heartbeatMs must be an integer in [10, 5000], got ${heartbeatMs}`);
    }
    // etcd itself refuses an election timeout under five heartbeats.
    if (!Number.isInteger(electionTimeoutMs) || electionTimeoutMs < 5 * heartbeatMs) {
      throw new RangeError(
        `electionTimeoutMs must be an integer >= 5 × heartbeatMs (${
          5 * heartbeatMs
        }), got ${electionTimeoutMs}`,
      );
    }
    if (!etcdAvailable(resolved.etcdPath)) {
      throw new Error(
        `etcd not found at ${resolved.etcdPath}; install it with: apt-get install -y etcd-server`,
      );
    }
    const root = await Deno.makeTempDir({ prefix: "netsplit-etcd-" });
    const members: EtcdMember[] = Array.from({ length: nodes }, (_, i) => ({
      name: `n${i + 1}`,
      clientUrl: `http://127.0.0.1:${freePort()}`,
      peerUrl: `http://127.0.0.1:${freePort()}`,
      dataDir: `${root}/n${i + 1}.etcd`,
      process: null,
      paused: false,
    }));
    const cluster = new EtcdCluster(root, members, resolved);
    try {
      for (const member of members) cluster.#spawn(member, "new");
      await cluster.waitUntilReady(resolved.startTimeoutMs);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The member called `name`; throws naming the known members otherwise. */
  member(name: string): EtcdMember {
    const found = this.members.find((m) => m.name === name);
    if (found === undefined) {
      throw new RangeError(
        `No member ${name} (members: ${this.members.map((m) => m.name).join(", ")})`,
      );
    }
    return found;
  }

  #spawn(member: EtcdMember, state: "new" | "existing"): void {
    const args = [
      `--name=${member.name}`,
      `--data-dir=${member.dataDir}`,
      `--listen-client-urls=${member.clientUrl}`,
      `--advertise-client-urls=${member.clientUrl}`,
      `--listen-peer-urls=${member.peerUrl}`,
      `--initial-advertise-peer-urls=${member.peerUrl}`,
      `--initial-cluster=${this.#initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${this.#token}`,
      `--heartbeat-interval=${this.heartbeatMs}`,
      `--election-timeout=${this.electionTimeoutMs}`,
      "--logger=zap",
      `--log-outputs=${this.root}/${member.name}.log`,
    ];
    member.process = new Deno.Command(this.#etcdPath, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    member.paused = false;
  }

  /** Members whose process runs and is not paused. */
  get upMembers(): EtcdMember[] {
    return this.members.filter((m) => m.process !== null && !m.paused);
  }

  /** Waits until every running member answers a status request and a leader exists. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const statuses = await Promise.all(this.upMembers.map((m) => this.status(m, 500)));
      if (statuses.every((s) => s !== null && s.leader !== "0")) return;
      await delay(50);
    }
    throw new Error(
      `etcd cluster did not become ready within ${timeoutMs} ms; member logs are in ${this.root}`,
    );
  }

  /**
   * A member's view of the cluster: its own id, the leader's id (`"0"` when it knows none) and
   * the Raft term; `null` when it does not answer.
   */
  async status(
    member: EtcdMember,
    timeoutMs = 300,
  ): Promise<{ memberId: string; leader: string; term: number } | null> {
    try {
      const json = await gatewayPost(member.clientUrl, "/v3/maintenance/status", {}, timeoutMs);
      const header = json.header as Record<string, unknown> | undefined;
      return {
        memberId: String(header?.member_id ?? ""),
        leader: String(json.leader ?? "0"),
        term: Number(json.raftTerm ?? 0),
      };
    } catch {
      return null;
    }
  }

  /** The member that leads, as running members see it, or `null` when none agrees on one. */
  async leader(): Promise<EtcdMember | null> {
    const views = await Promise.all(
      this.upMembers.map(async (m) => ({ member: m, status: await this.status(m) })),
    );
    for (const { status } of views) {
      if (status === null || status.leader === "0") continue;
      const leader = views.find((v) => v.status?.memberId === status.leader);
      if (leader !== undefined) return leader.member;
    }
    return null;
  }

  /** Kills a member with SIGKILL; its data directory stays for {@linkcode restart}. */
  async kill(name: string): Promise<void> {
    const member = this.member(name);
    const child = member.process;
    if (child === null) return;
    if (member.paused) child.kill("SIGCONT");
    child.kill("SIGKILL");
    await child.status;
    member.process = null;
    member.paused = false;
  }

  /** Starts a killed member again on its old data directory. */
  restart(name: string): void {
    const member = this.member(name);
    if (member.process !== null) return;
    this.#spawn(member, "existing");
  }

  /** Freezes a member with SIGSTOP: a node that is slow or stuck, not dead. */
  pause(name: string): void {
    const member = this.member(name);
    if (member.process === null || member.paused) return;
    member.process.kill("SIGSTOP");
    member.paused = true;
  }

  /** Lets a paused member run again with SIGCONT. */
  resume(name: string): void {
    const member = this.member(name);
    if (member.process === null || !member.paused) return;
    member.process.kill("SIGCONT");
    member.paused = false;
  }

  /**
   * Stops every member (SIGTERM, then SIGKILL after 5 s) and removes the temporary folder.
   * Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(this.members.map(async (member) => {
      const child = member.process;
      if (child === null) return;
      try {
        if (member.paused) child.kill("SIGCONT");
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
      member.process = null;
    }));
    await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }
}

/** Waits `ms` real milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
