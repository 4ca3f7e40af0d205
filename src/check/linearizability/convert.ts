/**
 * Converters from two history formats found in the wild to this checker's JSON-lines events
 * (DESIGN.md "History files for `check`"), so their histories can be checked as they are:
 *
 * - `jepsen-log`: the log lines Jepsen's etcd test prints, one operation event per line
 *   (`INFO  jepsen.util - 3	:invoke	:cas	[1 4]`), a single register of integers. These
 *   are the histories Knossos and Porcupine are benchmarked on.
 * - `porcupine-kv`: Porcupine's key-value logs, EDN maps
 *   (`{:process 0, :type :invoke, :f :append, :key "6", :value "x 0 1 y"}`), a
 *   string-valued register per key with `get`, `put` and `append`.
 *
 * Line order stays real-time order. Outcomes keep their Jepsen meaning: `:ok` took effect,
 * `:fail` did not, `:info` (and no completion at all) is unknown. Lines that are not operation
 * events (the nemesis's `:nemesis` lines, other log output, blank lines) are skipped; a line
 * that looks like an operation but cannot be read is refused with its line number.
 *
 * In the key-value model a key that was never written reads `""` (Porcupine's `kvModel`
 * starts every key at `""`), where here every key starts at `null`: so `""` read or put is
 * converted to `null`, and an append of `""` (which changes nothing there, but would turn
 * `null` into `""` here) is left out. The two models then agree on every history.
 *
 * Non-goals: Jepsen's EDN history files in general (only these two line shapes are read).
 *
 * @module
 */

import { HistoryError, type HistoryEvent, type JsonValue, pairOperations } from "./history.ts";

/** The formats {@linkcode convertHistory} reads. */
export type HistoryFormat = "jsonl" | "jepsen-log" | "porcupine-kv";

/** Every format name, for option validation and usage text. */
export const HISTORY_FORMATS: readonly HistoryFormat[] = ["jsonl", "jepsen-log", "porcupine-kv"];

const JEPSEN_PREFIX = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+/;
const JEPSEN_EVENT =
  /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(\w+)\s+(.*?)\s*$/;

/**
 * Reads a Jepsen etcd log (a single register of integers: `read`, `write`, `cas`).
 *
 * @param text The log.
 * @returns The events, in line order; pairing is checked.
 * @throws {HistoryError} naming the line when an operation line cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromJepsenLog } from "./convert.ts";
 * const events = fromJepsenLog(
 *   "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\n" +
 *     "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n" +
 *     "INFO  jepsen.util - 2\t:info\t:cas\t:timed-out\n",
 * );
 * assert.deepEqual(events, [
 *   { process: 2, type: "invoke", f: "cas", value: [3, 0] },
 *   { process: 2, type: "info", f: "cas", value: [3, 0] },
 * ]);
 * ```
 */
export function fromJepsenLog(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const open = new Map<number, HistoryEvent>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (!JEPSEN_PREFIX.test(line)) continue;
    const match = JEPSEN_EVENT.exec(line);
    const fail = (detail: string): never => {
      throw new HistoryError(i + 1, `${detail} in Jepsen log line "${line}"`);
    };
    if (match === null) fail("no :type and :f");
    const [, processText, type, f, valueText] = match!;
    if (f !== "read" && f !== "write" && f !== "cas") fail(`unsupported :f :${f}`);
    const process = Number(processText);
    let value: JsonValue | undefined;
    if (valueText === "nil") value = null;
    else if (/^-?\d+$/.test(valueText)) value = Number(valueText);
    else if (/^\[\s*-?\d+\s+-?\d+\s*\]$/.test(valueText)) {
      value = valueText.slice(1, -1).trim().split(/\s+/).map(Number);
    } else if (valueText.startsWith(":")) value = undefined; // :timed-out and the like
    else fail(`unreadable value "${valueText}"`);
    const event: HistoryEvent = { process, type: type as HistoryEvent["type"], f: f as "read" };
    if (type === "invoke") {
      // A read's argument is ignored; the result is on its completion.
      if (f !== "read") {
        event.value = value === undefined ? fail("an invocation without its argument") : value;
      }
      open.set(process, event);
    } else {
      const invoke = open.get(process);
      open.delete(process);
      if (f === "read") {
        if (type === "ok") {
          event.value = value === undefined ? fail("a read without its result") : value;
        }
      } else {
        // A completion repeats the argument; an :info line often says :timed-out instead.
        const argument = value === undefined ? invoke?.value : value;
        if (argument !== undefined) event.value = argument;
      }
    }
    events.push(event);
  }
  pairOperations(events);
  return events;
}

const KV_EVENT =
  /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key ("(?:[^"\\]|\\.)*"), :value (nil|"(?:[^"\\]|\\.)*")\}\s*$/;

/**
 * Reads a Porcupine key-value log (`get`, `put`, `append` on string values, per key).
 *
 * @param text The log.
 * @returns The events, in line order; pairing is checked.
 * @throws {HistoryError} naming the line when an operation line cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromPorcupineKv } from "./convert.ts";
 * const events = fromPorcupineKv(
 *   '{:process 0, :type :invoke, :f :get, :key "6", :value nil}\n' +
 *     '{:process 0, :type :ok, :f :get, :key "6", :value ""}\n',
 * );
 * assert.deepEqual(events[1], { process: 0, type: "ok", f: "read", key: "6", value: null });
 * ```
 */
export function fromPorcupineKv(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const skipped = new Set<number>();
  const functions = { get: "read", put: "write", append: "append" } as const;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (!line.startsWith("{:process")) continue;
    const match = KV_EVENT.exec(line);
    if (match === null) {
      throw new HistoryError(i + 1, `unreadable Porcupine key-value line "${line}"`);
    }
    const [, processText, type, f, keyText, valueText] = match;
    const process = Number(processText);
    const raw = valueText === "nil" ? null : JSON.parse(valueText) as string;
    if (f === "append" && raw === "") {
      // "" appended changes nothing in Porcupine's model; here it would turn null into "".
      if (type === "invoke") skipped.add(process);
      continue;
    }
    if (type !== "invoke" && skipped.delete(process)) continue;
    const event: HistoryEvent = {
      process,
      type: type as HistoryEvent["type"],
      f: functions[f as keyof typeof functions],
      key: JSON.parse(keyText) as string,
    };
    // A get's argument is nil; "" is a never-written key there, null here.
    if (f !== "get" || type === "ok") event.value = raw === "" ? null : raw;
    events.push(event);
  }
  pairOperations(events);
  return events;
}

/**
 * Converts a history text in `format` to events (`jsonl` is not handled here: use
 * `parseHistory`, which also reports bad JSON by line).
 *
 * @param text The history.
 * @param format `jepsen-log` or `porcupine-kv`.
 * @returns The events.
 * @throws {RangeError} for another format; {HistoryError} for an unreadable line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convertHistory } from "./convert.ts";
 * assert.equal(convertHistory("", "jepsen-log").length, 0);
 * assert.throws(() => convertHistory("", "jsonl" as never), RangeError);
 * ```
 */
export function convertHistory(text: string, format: Exclude<HistoryFormat, "jsonl">) {
  switch (format) {
    case "jepsen-log":
      return fromJepsenLog(text);
    case "porcupine-kv":
      return fromPorcupineKv(text);
    default:
      throw new RangeError(
        `convertHistory: format must be jepsen-log or porcupine-kv, got "${format}"`,
      );
  }
}
