/**
 * A Raft KV client: one operation at a time, sent to the server it believes leads, following
 * `not-leader` redirects and retrying on timeout with the same sequence number (Raft §8), so
 * the server-side session turns retries into exactly-once execution.
 *
 * Every operation is recorded with `rt.recordOp` in the history format of DESIGN.md: `invoke`,
 * then `ok` (it took effect; a read returns its value), `fail` (a cas whose expected value
 * differed: it definitely did not take effect) or `info` (the client gave up: it may or may not
 * have taken effect).
 *
 * @module
 */

import type { NodeId, Process, ProcessFactory, Runtime } from "../../sim/mod.ts";
import type { KvOp } from "./kv.ts";
import type { RaftKvMessage } from "./server.ts";

/** Options of {@linkcode raftClient}. */
export interface RaftClientOptions {
  /** The servers to talk to. */
  servers: readonly NodeId[];
  /** The integer process id written in the history. */
  process: number;
  /** How many operations to run; 0 runs none. @default 20 */
  operations?: number;
  /** Keys for read, write and cas. @default ["x", "y"] */
  keys?: readonly string[];
  /** How long to wait for an answer before retrying elsewhere. @default 100 */
  timeoutMs?: number;
  /** Attempts per operation before recording `info` and moving on. @default 20 */
  maxAttempts?: number;
  /** Pause between one operation's end and the next one's start. @default 10 */
  thinkMs?: number;
  /** Virtual time of the first operation. @default 0 */
  startMs?: number;
  /** Operations to run instead of random ones (the workload), in order. */
  script?: readonly KvOp[];
}

/** A running client, as `sim.processOf(id)` returns it. */
export interface RaftClientProcess extends Process<RaftKvMessage> {
  /** Operations completed with ok/fail/info so far. */
  readonly completed: number;
}

/**
 * A process factory for one client.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { raftClient, raftServer } from "./mod.ts";
 * const servers = ["n1", "n2", "n3"];
 * const sim = new Simulation({ seed: 3 });
 * for (const id of servers) sim.addNode(id, raftServer({ servers }));
 * sim.addNode("c1", raftClient({ servers, process: 1, operations: 5 }));
 * sim.run({ untilMs: 3000 });
 * if (sim.history.filter((op) => op.type === "ok" || op.type === "fail").length !== 5) {
 *   throw new Error("five operations completed");
 * }
 * ```
 */
export function raftClient(
  options: RaftClientOptions,
): ProcessFactory<RaftKvMessage, RaftClientProcess> {
  if (options.servers.length === 0) throw new RangeError("raftClient option servers is empty");
  if (!Number.isInteger(options.process) || options.process < 0) {
    throw new RangeError(
      `raftClient option process must be an integer >= 0, got ${options.process}`,
    );
  }
  return (rt) => new Client(rt, options);
}

class Client implements RaftClientProcess {
  completed = 0;
  #rt: Runtime<RaftKvMessage>;
  #servers: readonly NodeId[];
  #process: number;
  #operations: number;
  #keys: readonly string[];
  #timeoutMs: number;
  #maxAttempts: number;
  #thinkMs: number;
  #startMs: number;
  #script: readonly KvOp[] | undefined;
  #seq = 0;
  #op: KvOp | null = null;
  #attempts = 0;
  #leader: NodeId;
  #timer = -1;

  constructor(rt: Runtime<RaftKvMessage>, options: RaftClientOptions) {
    this.#rt = rt;
    this.#servers = options.servers;
    this.#process = options.process;
    this.#script = options.script;
    this.#operations = options.script?.length ?? options.operations ?? 20;
    this.#keys = options.keys ?? ["x", "y"];
    this.#timeoutMs = options.timeoutMs ?? 100;
    this.#maxAttempts = options.maxAttempts ?? 20;
    this.#thinkMs = options.thinkMs ?? 10;
    this.#startMs = options.startMs ?? 0;
    this.#leader = rt.random.pick(this.#servers);
  }

  onStart(): void {
    this.#schedule("next", this.#startMs);
  }

  onTimer(tag: string): void {
    if (tag === "next") return this.#next();
    if (tag === "timeout" || tag === "retry") {
      if (tag === "timeout") {
        this.#attempts++;
        // A timed-out leader may be dead or partitioned: try the next server.
        this.#leader =
          this.#servers[(this.#servers.indexOf(this.#leader) + 1) % this.#servers.length];
      }
      if (this.#attempts >= this.#maxAttempts) {
        const op = this.#op!;
        return this.#finish("info", op.f === "read" ? null : op.value);
      }
      this.#sendCurrent();
    }
  }

  onMessage(from: NodeId, msg: RaftKvMessage): void {
    if (msg.type !== "ClientResponse" || this.#op === null || msg.seq !== this.#seq) return;
    if (msg.status === "not-leader") {
      // Follow the redirect, or try the next server; back off briefly when nobody knows.
      const hint = msg.leaderHint;
      this.#leader = hint !== null && hint !== from
        ? hint
        : this.#servers[(this.#servers.indexOf(from) + 1) % this.#servers.length];
      this.#schedule("retry", hint === null ? this.#timeoutMs / 4 : 0);
      return;
    }
    const value = this.#op.f === "read" ? msg.value : this.#op.value;
    this.#finish(msg.status, value);
  }

  #next(): void {
    if (this.#seq >= this.#operations) return;
    this.#seq++;
    this.#attempts = 0;
    this.#op = this.#script?.[this.#seq - 1] ?? this.#randomOp();
    const op = this.#op;
    this.#rt.recordOp({
      process: this.#process,
      type: "invoke",
      f: op.f,
      key: op.key,
      value: op.f === "read" ? null : op.value,
    });
    this.#sendCurrent();
  }

  #randomOp(): KvOp {
    const random = this.#rt.random;
    const kind = random.next();
    const key = random.pick(this.#keys);
    if (kind < 0.4) return { f: "read", key };
    if (kind < 0.7) return { f: "write", key, value: random.int(0, 4) };
    if (kind < 0.85) return { f: "cas", key, value: [random.int(0, 4), random.int(0, 4)] };
    return { f: "append", key: "log", value: `${this.#process}.${this.#seq} ` };
  }

  #sendCurrent(): void {
    const op = this.#op!;
    this.#rt.send(this.#leader, {
      type: "ClientRequest",
      clientId: this.#rt.id,
      seq: this.#seq,
      op,
    });
    this.#schedule("timeout", this.#timeoutMs);
  }

  #finish(type: "ok" | "fail" | "info", value: unknown): void {
    const op = this.#op!;
    this.#rt.recordOp({ process: this.#process, type, f: op.f, key: op.key, value });
    this.#op = null;
    this.completed++;
    this.#schedule("next", this.#thinkMs);
  }

  #schedule(tag: string, delayMs: number): void {
    this.#rt.cancelTimer(this.#timer);
    this.#timer = this.#rt.setTimer(delayMs, tag);
  }
}
