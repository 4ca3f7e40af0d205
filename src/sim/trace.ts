/**
 * The trace: a typed record of everything that happened in a run, a stable hash of it for
 * determinism checks, JSON-lines export and a one-line-per-event text renderer.
 *
 * @module
 */

import type { Fault } from "./faults.ts";
import { describeFault } from "./faults.ts";
import type { Message, NodeId, OpEvent } from "./types.ts";

/** Why the network did not deliver a message. */
export type DropReason =
  | "loss"
  | "partition"
  | "crashed"
  | "queue-full"
  | "auth-failed"
  | "left";

/** One thing that happened, at true time `t` (ms). */
export type TraceEvent =
  | { t: number; kind: "send"; id: number; from: NodeId; to: NodeId; msg: Message }
  | { t: number; kind: "deliver"; id: number; from: NodeId; to: NodeId; msg: Message }
  | {
    t: number;
    kind: "drop";
    id: number;
    from: NodeId;
    to: NodeId;
    msg: Message;
    reason: DropReason;
  }
  | { t: number; kind: "duplicate"; id: number; from: NodeId; to: NodeId }
  | { t: number; kind: "tamper"; id: number; from: NodeId; to: NodeId; field: string }
  | { t: number; kind: "timer"; node: NodeId; tag: string }
  | { t: number; kind: "crash"; node: NodeId }
  | { t: number; kind: "restart"; node: NodeId }
  | { t: number; kind: "fault"; fault: Fault }
  | { t: number; kind: "state"; node: NodeId; key: string; value: unknown }
  | { t: number; kind: "log"; node: NodeId; text: string }
  | { t: number; kind: "op"; node: NodeId; op: OpEvent };

/** How much of the trace to keep: everything, only the hash, or nothing. */
export type TraceMode = "full" | "hash" | "off";

const KIND_CODES: Record<TraceEvent["kind"], number> = {
  send: 1,
  deliver: 2,
  drop: 3,
  duplicate: 4,
  tamper: 5,
  timer: 6,
  crash: 7,
  restart: 8,
  fault: 9,
  state: 10,
  log: 11,
  op: 12,
};

/** FNV-1a 32-bit over a string. */
function fnvString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One round of a 32-bit multiply-xorshift mix (murmur3's finaliser shape). */
function mix(h: number, word: number): number {
  h ^= Math.imul(word ^ (word >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const floatView = new DataView(new ArrayBuffer(8));
/**
 * Folds several hashes (or any strings) into one 16-hex-digit hash, for experiments that run
 * many simulations and report one `traceHash`.
 *
 * @example
 * ```ts
 * import { combineHashes } from "./trace.ts";
 * const h = combineHashes(["0123456789abcdef", "fedcba9876543210"]);
 * if (!/^[0-9a-f]{16}$/.test(h) || h === combineHashes(["fedcba9876543210", "0123456789abcdef"])) {
 *   throw new Error("16 hex digits, order-sensitive");
 * }
 * ```
 */
export function combineHashes(hashes: readonly string[]): string {
  const text = hashes.join("|");
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ 0x5bd1e995 ^ text.charCodeAt(i), 0x01000193);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

/**
 * Collects trace events and hashes them incrementally.
 *
 * @example
 * ```ts
 * import { Trace } from "./trace.ts";
 * const trace = new Trace("full");
 * trace.add({ t: 1, kind: "log", node: "n1", text: "hello" });
 * trace.hash(); // 8 hex digits, the same for the same events
 * ```
 */
export class Trace {
  readonly mode: TraceMode;
  readonly events: TraceEvent[] = [];
  #h1 = 0x811c9dc5;
  #h2 = 0x01000193;
  #count = 0;
  #interned = new Map<string, number>();

  constructor(mode: TraceMode = "full") {
    this.mode = mode;
  }

  /** Number of events seen (kept or not). */
  get count(): number {
    return this.#count;
  }

  /** Whether events are being looked at at all; callers skip building events when false. */
  get enabled(): boolean {
    return this.mode !== "off";
  }

  /**
   * Adds a send or a delivery: the kernel's most frequent events. In `hash` mode the event
   * object is never built (it would be garbage at once); the hash is the one
   * {@linkcode Trace.add} gives the same event.
   */
  addMessage(
    kind: "send" | "deliver",
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    msg: Message,
  ): void {
    if (this.mode !== "hash") {
      if (kind === "send") this.add({ t, kind: "send", id, from, to, msg });
      else this.add({ t, kind: "deliver", id, from, to, msg });
      return;
    }
    this.#count++;
    floatView.setFloat64(0, t, true);
    let a = mix(this.#h1, floatView.getUint32(0, true));
    a = mix(a, floatView.getUint32(4, true));
    a = mix(
      mix(mix(mix(mix(a, KIND_CODES[kind]), id), this.#intern(from)), this.#intern(to)),
      this.#intern(msg.type),
    );
    this.#h1 = a;
    this.#h2 = mix(this.#h2 + 0x9e3779b9, a);
  }

  /** Adds one event. */
  add(event: TraceEvent): void {
    this.#count++;
    if (this.mode === "off") return;
    // Hash numbers and interned strings rather than formatted text: cheap, and any divergence
    // between two runs shows up in a time, an id, an endpoint or a type.
    floatView.setFloat64(0, event.t, true);
    let a = mix(this.#h1, floatView.getUint32(0, true));
    a = mix(a, floatView.getUint32(4, true));
    a = this.#mixFields(mix(a, KIND_CODES[event.kind]), event);
    this.#h1 = a;
    // A second, order-sensitive lane over the first makes accidental collisions far less likely.
    this.#h2 = mix(this.#h2 + 0x9e3779b9, a);
    if (this.mode === "full") this.events.push(event);
  }

  // Each kind contributes the fields that tell two runs apart; payloads beyond a message's type
  // are left out to keep hashing cheap (a divergence shows up in what follows soon enough).
  #mixFields(a: number, event: TraceEvent): number {
    switch (event.kind) {
      case "send":
      case "deliver":
        return mix(
          mix(mix(mix(a, event.id), this.#intern(event.from)), this.#intern(event.to)),
          this.#intern(event.msg.type),
        );
      case "drop":
        return mix(mix(a, event.id), this.#intern(event.reason));
      case "duplicate":
      case "tamper":
        return mix(a, event.id);
      case "timer":
        return mix(mix(a, this.#intern(event.node)), this.#intern(event.tag));
      case "crash":
      case "restart":
        return mix(a, this.#intern(event.node));
      case "fault":
        return mix(a, this.#intern(event.fault.kind));
      case "state":
        return mix(
          mix(mix(a, this.#intern(event.node)), this.#intern(event.key)),
          this.#intern(String(event.value)),
        );
      case "log":
        return mix(mix(a, this.#intern(event.node)), this.#intern(event.text));
      case "op":
        return mix(
          mix(mix(a, event.op.process), this.#intern(event.op.type)),
          this.#intern(event.op.f),
        );
      default:
        return unknownEvent(event);
    }
  }

  #intern(text: string): number {
    let code = this.#interned.get(text);
    if (code === undefined) {
      code = fnvString(text);
      if (this.#interned.size < 100_000) this.#interned.set(text, code);
    }
    return code;
  }

  /** A 16-hex-digit hash of every event so far (empty string when the mode is "off"). */
  hash(): string {
    if (this.mode === "off") return "";
    return (this.#h1 >>> 0).toString(16).padStart(8, "0") +
      (this.#h2 >>> 0).toString(16).padStart(8, "0");
  }

  /** The events as JSON lines, one event per line. */
  toJsonLines(): string {
    return this.events.map((e) => JSON.stringify(e)).join("\n") + (this.events.length ? "\n" : "");
  }
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[\w.:-]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) {
    const parts = value.slice(0, 4).map(formatValue);
    if (value.length > 4) parts.push(`…+${value.length - 4}`);
    return `[${parts.join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const text = JSON.stringify(value);
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  }
  return String(value);
}

/** Renders a message as `Type field=value ...`. */
export function formatMessage(msg: Message): string {
  const fields = Object.entries(msg)
    .filter(([k]) => k !== "type")
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return fields.length ? `${msg.type} ${fields.join(" ")}` : msg.type;
}

/** Renders a time in ms with three decimals, e.g. `12.500ms`. */
export function formatTime(t: number): string {
  return `${t.toFixed(3)}ms`;
}

/**
 * Renders one event as a line, e.g. `12.500ms n1->n2 Ping seq=3`.
 *
 * @example
 * ```ts
 * import { renderEvent } from "./trace.ts";
 * const line = renderEvent({ t: 12.5, kind: "send", id: 1, from: "n1", to: "n2", msg: { type: "Ping", seq: 3 } as never });
 * if (line !== "12.500ms n1->n2 Ping seq=3") throw new Error(line);
 * ```
 */
export function renderEvent(event: TraceEvent): string {
  const t = formatTime(event.t);
  switch (event.kind) {
    case "send":
      return `${t} ${event.from}->${event.to} ${formatMessage(event.msg)}`;
    case "deliver":
      return `${t} ${event.to}<-${event.from} ${formatMessage(event.msg)}`;
    case "drop":
      return `${t} ${event.from}-x${event.to} ${
        formatMessage(event.msg)
      } (dropped: ${event.reason})`;
    case "duplicate":
      return `${t} ${event.from}=>${event.to} message #${event.id} duplicated`;
    case "tamper":
      return `${t} ${event.from}~>${event.to} message #${event.id} tampered (${event.field})`;
    case "timer":
      return `${t} ${event.node} timer ${event.tag}`;
    case "crash":
      return `${t} ${event.node} CRASH`;
    case "restart":
      return `${t} ${event.node} RESTART`;
    case "fault":
      return `${t} nemesis ${describeFault(event.fault)}`;
    case "state":
      return `${t} ${event.node} ${event.key}=${formatValue(event.value)}`;
    case "log":
      return `${t} ${event.node} ${event.text}`;
    case "op": {
      const op = event.op;
      const key = op.key === undefined ? "" : ` ${op.key}`;
      const value = op.value === undefined ? "" : ` ${formatValue(op.value)}`;
      return `${t} client ${op.process} ${op.type} ${op.f}${key}${value}`;
    }
    default:
      return unknownEvent(event);
  }
}

// The switches over event kinds end here, so a new kind does not compile until it is hashed
// and rendered; at run time an event from outside the type (parsed JSON) is refused by name.
function unknownEvent(event: never): never {
  throw new RangeError(`Unknown trace event kind ${JSON.stringify((event as TraceEvent).kind)}`);
}

/**
 * Renders events as text, one line each; `kinds` filters (default: everything but deliveries,
 * since each send line already shows the message). After `limit` lines, one `… N more events`.
 */
export function renderTrace(
  events: readonly TraceEvent[],
  options: { kinds?: readonly TraceEvent["kind"][]; limit?: number } = {},
): string {
  const kinds = options.kinds;
  const limit = options.limit ?? Infinity;
  const lines: string[] = [];
  for (const event of events) {
    if (kinds ? !kinds.includes(event.kind) : event.kind === "deliver") continue;
    if (lines.length >= limit) {
      lines.push(`… ${events.length - lines.length} more events`);
      break;
    }
    lines.push(renderEvent(event));
  }
  return lines.join("\n");
}
