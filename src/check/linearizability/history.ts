/**
 * Client operation histories: the JSON-lines format that `deno task check` reads and that
 * simulated clients record (Jepsen style, see DESIGN.md "History files for `check`").
 *
 * One event per line. **Line order is real-time order**; a `time` field is informational.
 * An `invoke` opens an operation of a process; `ok`, `fail` or `info` closes it. An operation
 * left open at the end of the history has an unknown outcome, exactly like `info`.
 *
 * This module parses and validates events and pairs each invocation with its completion into
 * an {@linkcode Operation}. Validation is strict and every error names the offending line, so a
 * broken exporter is caught here rather than producing a misleading verdict later.
 *
 * Non-goals: clocks (the `time` field is carried, never interpreted) and processes that are
 * not integers (Jepsen's `:nemesis` events belong in a separate log).
 *
 * @module
 */

/** A JSON value, as found in a history's `value` fields. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What an operation does: read, write, compare-and-set or append (string concatenation). */
export type HistoryFunction = "read" | "write" | "cas" | "append";

/**
 * The kind of an event: `invoke` opens an operation; `ok` means it took effect (for a read: it
 * observed `value`); `fail` means it definitely did not take effect (for `cas`: it observed a
 * value different from the expected one); `info` means its outcome is unknown.
 */
export type HistoryEventType = "invoke" | "ok" | "fail" | "info";

/**
 * One line of a history.
 *
 * @example
 * ```ts
 * import type { HistoryEvent } from "./history.ts";
 * const invoke: HistoryEvent = { process: 1, type: "invoke", f: "write", key: "x", value: 1 };
 * const ok: HistoryEvent = { process: 1, type: "ok", f: "write", key: "x", value: 1 };
 * ```
 */
export interface HistoryEvent {
  /** Integer client id; a process has at most one open operation. */
  process: number;
  /** Invocation or completion (see {@linkcode HistoryEventType}). */
  type: HistoryEventType;
  /** The operation. */
  f: HistoryFunction;
  /** The register the operation touches; absent means the single unnamed register. */
  key?: string | number;
  /**
   * For `read`, the value returned (on the `ok` line); for `write`/`append`, the argument;
   * for `cas`, `[expected, new]`.
   */
  value?: JsonValue;
  /** Informational only: line order is the real-time order. */
  time?: number;
}

/**
 * Anything shaped like an event, e.g. the simulator's recorded client operations: fields are
 * checked at run time (see {@linkcode validateEvent}), so looser types are accepted.
 *
 * @example
 * ```ts
 * import type { HistoryEventLike } from "./history.ts";
 * const recorded: HistoryEventLike = { process: 1, type: "invoke", f: "read", key: "x" };
 * ```
 */
export interface HistoryEventLike {
  process: number;
  type: string;
  f: string;
  key?: string | number;
  value?: unknown;
  time?: number;
}

/**
 * A history line that is not a valid event, or an event that breaks the invoke/complete
 * protocol. `line` is 1-based; `detail` says what is wrong without the line prefix.
 *
 * @example
 * ```ts
 * import { HistoryError, parseHistory } from "./history.ts";
 * try {
 *   parseHistory('{"process": 1, "type": "ok", "f": "read", "value": 1}');
 * } catch (error) {
 *   if (!(error instanceof HistoryError)) throw error;
 *   console.log(error.line, error.detail); // 1 "completion for process 1 without an open invoke"
 * }
 * ```
 */
export class HistoryError extends Error {
  /** 1-based line (or event) number. */
  readonly line: number;
  /** What is wrong, without the line prefix. */
  readonly detail: string;

  /**
   * @param line 1-based line number.
   * @param detail What is wrong with it.
   */
  constructor(line: number, detail: string) {
    super(`Line ${line}: ${detail}`);
    this.name = "HistoryError";
    this.line = line;
    this.detail = detail;
  }
}

/** How an operation ended. `unknown` covers both `info` and a missing completion. */
export type Outcome = "ok" | "fail" | "unknown";

/** An invocation paired with its completion. */
export interface Operation {
  /** Position in invocation order across the whole history (0-based). */
  index: number;
  process: number;
  f: HistoryFunction;
  /** The key, or `null` for the unnamed register. */
  key: string | number | null;
  /** The argument (`write`, `append`, `cas`) or the value read (`read` with outcome `ok`). */
  value: JsonValue;
  outcome: Outcome;
  /** 1-based line of the invocation. */
  invokeLine: number;
  /** 1-based line of the completion, or `null` when there is none. */
  completeLine: number | null;
}

const EVENT_TYPES: readonly HistoryEventType[] = ["invoke", "ok", "fail", "info"];
const FUNCTIONS: readonly HistoryFunction[] = ["read", "write", "cas", "append"];

/**
 * Parses a JSON-lines history into events, validating each line and the invoke/complete
 * protocol. A trailing newline (and blank lines at the very end) are allowed; any other blank
 * line is an error, so that event `i` is always line `i + 1`.
 *
 * @param text The file's contents.
 * @returns The events in line order.
 * @throws {HistoryError} naming the first malformed line and what is wrong with it.
 *
 * @example
 * ```ts
 * import { parseHistory } from "./history.ts";
 * const events = parseHistory(
 *   '{"process": 1, "type": "invoke", "f": "write", "key": "x", "value": 1}\n' +
 *     '{"process": 1, "type": "ok", "f": "write", "key": "x", "value": 1}\n',
 * );
 * console.log(events.length); // 2
 * ```
 */
export function parseHistory(text: string): HistoryEvent[] {
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  const events = lines.map((line, i) => parseEventLine(line, i + 1));
  pairOperations(events);
  return events;
}

function parseEventLine(line: string, lineNumber: number): HistoryEvent {
  if (line.trim() === "") {
    throw new HistoryError(lineNumber, "empty line; every line must be one JSON event");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HistoryError(lineNumber, `bad JSON (${reason})`);
  }
  return validateEvent(raw, lineNumber);
}

/**
 * Checks that `raw` is a well-formed event (fields and their types; not the pairing).
 *
 * @param raw A parsed JSON value or a caller-built event.
 * @param lineNumber The 1-based line used in error messages.
 * @returns The event, with only the known fields kept.
 * @throws {HistoryError} when a field is missing or invalid.
 *
 * @example
 * ```ts
 * import { validateEvent } from "./history.ts";
 * const event = validateEvent({ process: 2, type: "invoke", f: "read" }, 1);
 * console.log(event.f); // "read"
 * ```
 */
export function validateEvent(raw: unknown, lineNumber: number): HistoryEvent {
  const fail = (detail: string): never => {
    throw new HistoryError(lineNumber, detail);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail(`expected a JSON object, got ${describe(raw)}`);
  }
  const record = raw as Record<string, unknown>;
  if (!("process" in record)) fail('missing "process"');
  const process = record.process;
  if (typeof process !== "number" || !Number.isSafeInteger(process)) {
    fail(`"process" must be an integer, got ${describe(process)}`);
  }
  if (!("type" in record)) fail('missing "type"');
  const type = record.type;
  if (!EVENT_TYPES.includes(type as HistoryEventType)) {
    fail(`unknown "type" ${describe(type)}; expected invoke, ok, fail or info`);
  }
  if (!("f" in record)) fail('missing "f"');
  const f = record.f;
  if (!FUNCTIONS.includes(f as HistoryFunction)) {
    fail(`unknown "f" ${describe(f)}; expected read, write, cas or append`);
  }
  const event: HistoryEvent = {
    process: process as number,
    type: type as HistoryEventType,
    f: f as HistoryFunction,
  };
  const key = record.key;
  if (key !== undefined && key !== null) {
    if (typeof key !== "string" && !(typeof key === "number" && Number.isFinite(key))) {
      fail(`"key" must be a string or a number, got ${describe(key)}`);
    }
    event.key = key as string | number;
  }
  if ("value" in record && record.value !== undefined) {
    event.value = record.value as JsonValue;
  }
  if (record.time !== undefined) {
    if (typeof record.time !== "number") {
      fail(`"time" must be a number, got ${describe(record.time)}`);
    }
    event.time = record.time as number;
  }
  validateValue(event, lineNumber);
  return event;
}

/** Checks the `value` field against what `f` and `type` require. */
function validateValue(event: HistoryEvent, lineNumber: number): void {
  const { f, type, value } = event;
  const fail = (detail: string): never => {
    throw new HistoryError(lineNumber, detail);
  };
  // A read's invoke value and an info completion's value carry no meaning.
  if (f === "read") {
    if (type === "ok" && value === undefined) fail('a read "ok" must carry the value read');
    return;
  }
  if (type === "info") return;
  if (value === undefined) {
    if (type === "invoke") fail(`a ${f} invoke needs "value" (${argumentShape(f)})`);
    return;
  }
  if (f === "cas" && (!Array.isArray(value) || value.length !== 2)) {
    fail(`cas value must be a 2-element array [expected, new], got ${describe(value)}`);
  }
  if (f === "append" && typeof value !== "string") {
    fail(`append value must be a string, got ${describe(value)}`);
  }
}

function argumentShape(f: HistoryFunction): string {
  switch (f) {
    case "read":
      return "the value read";
    case "write":
      return "the value written";
    case "cas":
      return "[expected, new]";
    case "append":
      return "the string appended";
  }
}

/**
 * Pairs invocations with completions, enforcing the protocol: one open operation per
 * process, completions only for open operations, matching `f` and `key`, and (when given) the
 * same argument on the completion as on the invocation.
 *
 * @param events Validated events in real-time order; event `i` is reported as line `i + 1`.
 * @returns The operations in invocation order; open ones have outcome `unknown`.
 * @throws {HistoryError} naming the first event that breaks the protocol.
 *
 * @example
 * ```ts
 * import { pairOperations } from "./history.ts";
 * const ops = pairOperations([
 *   { process: 1, type: "invoke", f: "read", key: "x" },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null },
 *   { process: 2, type: "invoke", f: "write", key: "x", value: 3 },
 * ]);
 * console.log(ops[0].outcome, ops[1].outcome); // "ok" "unknown"
 * ```
 */
export function pairOperations(events: readonly HistoryEvent[]): Operation[] {
  const operations: Operation[] = [];
  const open = new Map<number, Operation>();
  events.forEach((event, i) => {
    const line = i + 1;
    const key = event.key ?? null;
    if (event.type === "invoke") {
      const pending = open.get(event.process);
      if (pending !== undefined) {
        throw new HistoryError(
          line,
          `process ${event.process} invokes ${event.f} while its ${pending.f} from line ` +
            `${pending.invokeLine} is still open; complete it first (info if unknown)`,
        );
      }
      const op: Operation = {
        index: operations.length,
        process: event.process,
        f: event.f,
        key,
        value: event.f === "read" ? null : event.value as JsonValue,
        outcome: "unknown",
        invokeLine: line,
        completeLine: null,
      };
      operations.push(op);
      open.set(event.process, op);
      return;
    }
    const op = open.get(event.process);
    if (op === undefined) {
      throw new HistoryError(
        line,
        `completion for process ${event.process} without an open invoke`,
      );
    }
    if (event.f !== op.f) {
      throw new HistoryError(
        line,
        `completion f "${event.f}" does not match the invoke's "${op.f}" on line ${op.invokeLine}`,
      );
    }
    if (key !== op.key) {
      throw new HistoryError(
        line,
        `completion key ${describe(key)} does not match the invoke's ${describe(op.key)} ` +
          `on line ${op.invokeLine}`,
      );
    }
    if (
      op.f !== "read" && event.type !== "info" && event.value !== undefined &&
      canonicalJson(event.value) !== canonicalJson(op.value)
    ) {
      throw new HistoryError(
        line,
        `completion value ${describe(event.value)} differs from the invoke's argument ` +
          `${describe(op.value)} on line ${op.invokeLine}`,
      );
    }
    open.delete(event.process);
    op.completeLine = line;
    op.outcome = event.type === "info" ? "unknown" : event.type === "ok" ? "ok" : "fail";
    if (op.f === "read" && event.type === "ok") op.value = event.value as JsonValue;
  });
  return operations;
}

/**
 * Serialises events as JSON lines (the inverse of {@linkcode parseHistory}), one event per line
 * with a trailing newline. Fields come out in a fixed order; `undefined` fields are omitted.
 *
 * @param events Events in real-time order.
 * @returns The file contents.
 *
 * @example
 * ```ts
 * import { historyToJsonLines, parseHistory } from "./history.ts";
 * const text = historyToJsonLines([
 *   { process: 1, type: "invoke", f: "read", key: "x" },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null },
 * ]);
 * console.log(text.split("\n")[1]); // {"process":1,"type":"ok","f":"read","key":"x","value":null}
 * console.log(parseHistory(text).length); // 2
 * ```
 */
export function historyToJsonLines(events: readonly HistoryEventLike[]): string {
  return events.map((event) => {
    const ordered: Record<string, unknown> = {
      process: event.process,
      type: event.type,
      f: event.f,
      key: event.key,
      value: event.value,
      time: event.time,
    };
    return JSON.stringify(ordered) + "\n";
  }).join("");
}

/**
 * A canonical JSON text for a value: object keys sorted, so equal values give equal strings.
 * The checker compares register values by this text.
 *
 * @param value Any JSON value.
 * @returns Its canonical JSON text.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./history.ts";
 * console.log(canonicalJson({ b: 1, a: [null] })); // {"a":[null],"b":1}
 * ```
 */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
}

/**
 * A short label for an operation, as used in explanations and timelines: `w(x,1)`,
 * `r(x)=2`, `r(x)=?`, `cas(x,1→2)`, `append(x,"ab")`; a failed operation gets ` fail`, an
 * unknown outcome ` ?`. The unnamed register has no key: `w(1)`, `r()=2`.
 *
 * @param op The operation.
 * @returns The label.
 *
 * @example
 * ```ts
 * import { operationLabel, pairOperations } from "./history.ts";
 * const [op] = pairOperations([
 *   { process: 1, type: "invoke", f: "cas", key: "x", value: [1, 2] },
 *   { process: 1, type: "fail", f: "cas", key: "x" },
 * ]);
 * console.log(operationLabel(op)); // cas(x,1→2) fail
 * ```
 */
export function operationLabel(op: Operation): string {
  const key = op.key === null ? "" : String(op.key);
  const sep = key === "" ? "" : ",";
  const suffix = op.outcome === "fail" ? " fail" : op.outcome === "unknown" ? " ?" : "";
  switch (op.f) {
    case "read": {
      const value = op.outcome === "ok" ? canonicalJson(op.value) : "?";
      return `r(${key})=${value}${op.outcome === "fail" ? " fail" : ""}`;
    }
    case "write":
      return `w(${key}${sep}${canonicalJson(op.value)})${suffix}`;
    case "append":
      return `append(${key}${sep}${canonicalJson(op.value)})${suffix}`;
    case "cas": {
      const [expected, next] = op.value as JsonValue[];
      return `cas(${key}${sep}${canonicalJson(expected)}→${canonicalJson(next)})${suffix}`;
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
