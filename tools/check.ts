/**
 * `deno task check <history.jsonl> [--model=register|kv] [--format=text|json]
 * [--max-states=N]`: checks a JSON-lines history for linearizability.
 *
 * Exit codes: 0 linearizable, 1 not linearizable, 2 bad input (missing file, malformed line,
 * bad flag), 3 unknown (the search budget `--max-states` was exceeded; raise it), 4 internal
 * error (a bug in the checker: please report the history). Errors are
 * one line (`history.jsonl:17: bad JSON (...)`), never a stack trace.
 *
 * @module
 */

import { checkHistory, type CheckResult, HistoryError, parseHistory } from "../src/check/mod.ts";

const USAGE = "Usage: deno task check <history.jsonl> [--model=register|kv] [--format=text|json] " +
  "[--max-states=N]";

interface Arguments {
  path: string;
  model: "register" | "kv";
  format: "text" | "json";
  maxStates?: number;
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Arguments | "help" {
  let path: string | undefined;
  let model: Arguments["model"] = "register";
  let format: Arguments["format"] = "text";
  let maxStates: number | undefined;
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") return "help";
    if (!arg.startsWith("--")) {
      if (path !== undefined) throw new UsageError(`Unexpected second history file "${arg}"`);
      path = arg;
      continue;
    }
    const [name, value] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    switch (name) {
      case "--model":
        if (value !== "register" && value !== "kv") {
          throw new UsageError(`--model must be register or kv, got "${value ?? ""}"`);
        }
        model = value;
        break;
      case "--format":
        if (value !== "text" && value !== "json") {
          throw new UsageError(`--format must be text or json, got "${value ?? ""}"`);
        }
        format = value;
        break;
      case "--max-states": {
        const parsed = Number(value);
        if (value === undefined || !Number.isSafeInteger(parsed) || parsed < 1) {
          throw new UsageError(`--max-states must be an integer >= 1, got "${value ?? ""}"`);
        }
        maxStates = parsed;
        break;
      }
      default:
        throw new UsageError(`Unknown flag ${name}`);
    }
  }
  if (path === undefined) throw new UsageError("Missing the history file");
  return { path, model, format, maxStates };
}

function exitCode(result: CheckResult): number {
  switch (result.verdict) {
    case "linearizable":
      return 0;
    case "not-linearizable":
      return 1;
    case "unknown":
      return 3;
  }
}

function report(path: string, result: CheckResult): string {
  const summary = `${result.operations} operations on ${result.keys.length} ` +
    `key${result.keys.length === 1 ? "" : "s"}, model ${result.model}, ` +
    `${result.statesExplored} states explored`;
  switch (result.verdict) {
    case "linearizable":
      return `${path}: linearizable (${summary})`;
    case "unknown":
      return `${path}: unknown — ${result.reason} (${summary})`;
    case "not-linearizable":
      return `${path}: NOT linearizable (${summary})\n${result.violation?.text ?? ""}`;
  }
}

function main(args: readonly string[]): number {
  let parsed: Arguments | "help";
  try {
    parsed = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}. ${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    console.log(USAGE);
    console.log("Exit codes: 0 linearizable, 1 not, 2 bad input, 3 search budget exceeded.");
    return 0;
  }
  const { path, model, format, maxStates } = parsed;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    console.error(`${path}: cannot read the history: ${reason}`);
    return 2;
  }
  let result: CheckResult;
  try {
    result = checkHistory(parseHistory(text), { model, maxStates });
  } catch (error) {
    if (error instanceof HistoryError) {
      console.error(`${path}:${error.line}: ${error.detail}`);
      return 2;
    }
    throw error;
  }
  console.log(format === "json" ? JSON.stringify(result, null, 2) : report(path, result));
  return exitCode(result);
}

if (import.meta.main) {
  try {
    Deno.exit(main(Deno.args));
  } catch (error) {
    // Never a stack trace: an internal error is still reported in one line.
    console.error(`check: internal error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(4);
  }
}
