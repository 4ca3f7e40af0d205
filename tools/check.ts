/**
 * `deno task check <history.jsonl> [--model=register|kv] [--format=text|json]
 * [--max-states=N] [--explain-max-states=N] [--no-explain]`: checks a JSON-lines history for
 * linearizability.
 *
 * The verdict comes first; explaining a violation (the minimal prefix, a witness order before
 * the culprit) reruns searches and can take far longer than the verdict, so it has its own
 * budget (`--explain-max-states`), says when that budget cut it short, and can be skipped
 * (`--no-explain`).
 *
 * Exit codes: 0 linearizable, 1 not linearizable, 2 bad input (missing or empty file,
 * malformed line, a value nested too deep, bad flag), 3 unknown (the search budget `--max-states` was exceeded; raise it), 4 internal
 * error (a bug in the checker: please report the history). Errors are
 * one line (`history.jsonl:17: bad JSON (...)`), never a stack trace.
 *
 * @module
 */

import { checkHistory, type CheckResult, HistoryError, parseHistory } from "../src/check/mod.ts";

const USAGE = "Usage: deno task check <history.jsonl> [--model=register|kv] [--format=text|json] " +
  "[--max-states=N] [--explain-max-states=N] [--no-explain]";

/** The explanation's default budget: states per search while shortening the prefix. */
const DEFAULT_EXPLAIN_MAX_STATES = 20_000;

/**
 * The deepest nesting of arrays and objects a history value may have. Operation values are
 * registers' contents; anything deeper is refused up front rather than overflowing the stack
 * of the recursive comparisons in the checker.
 */
const MAX_NESTING = 100;

interface Arguments {
  path: string;
  model: "register" | "kv";
  format: "text" | "json";
  maxStates?: number;
  explain: boolean;
  explainMaxStates: number;
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Arguments | "help" {
  let path: string | undefined;
  let model: Arguments["model"] = "register";
  let format: Arguments["format"] = "text";
  let maxStates: number | undefined;
  let explain = true;
  let explainMaxStates = DEFAULT_EXPLAIN_MAX_STATES;
  const budget = (flag: string, value: string | undefined) => {
    const parsed = Number(value);
    if (
      value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1
    ) {
      throw new UsageError(`${flag} must be an integer >= 1, got "${value ?? ""}"`);
    }
    return parsed;
  };
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
      case "--max-states":
        maxStates = budget(name, value);
        break;
      case "--explain-max-states":
        explainMaxStates = budget(name, value);
        break;
      case "--no-explain":
        if (value !== undefined) throw new UsageError(`--no-explain takes no value`);
        explain = false;
        break;
      default:
        throw new UsageError(`Unknown flag ${name}`);
    }
  }
  if (path === undefined) throw new UsageError("Missing the history file");
  return { path, model, format, maxStates, explain, explainMaxStates };
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

/**
 * The first line whose JSON nests deeper than {@linkcode MAX_NESTING}, with its depth; a
 * scan of the text (brackets outside strings), so it cannot overflow anything itself.
 */
function tooDeep(text: string): { line: number; depth: number } | undefined {
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      else if (ch === "\n") line++;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") {
      if (++depth > MAX_NESTING) return { line, depth };
    } else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
    else if (ch === "\n") {
      line++;
      depth = 0;
    }
  }
  return undefined;
}

/** The checker's advice names its API option; the CLI's option is --max-states. */
function cliWords(reason: string | undefined, maxStates: number | undefined): string {
  return (reason ?? "").replace(
    /raise maxStates/,
    `raise --max-states${maxStates === undefined ? "" : ` (now ${maxStates})`}`,
  );
}

function report(
  path: string,
  result: CheckResult,
  options: { explain: boolean; explainMaxStates: number; maxStates?: number },
): string {
  const summary = `${result.operations} operations on ${result.keys.length} ` +
    `key${result.keys.length === 1 ? "" : "s"}, model ${result.model}, ` +
    `${result.statesExplored} states explored`;
  switch (result.verdict) {
    case "linearizable":
      return `${path}: linearizable (${summary})`;
    case "unknown":
      return `${path}: unknown — ${cliWords(result.reason, options.maxStates)} (${summary})`;
    case "not-linearizable": {
      const head = `${path}: NOT linearizable (${summary})`;
      if (!options.explain || result.violation === undefined) {
        return `${head}\n(No explanation: --no-explain.)`;
      }
      const v = result.violation;
      const cut = !v.minimal || v.frontier === null
        ? `\nThe explanation was cut short: its budget of ${options.explainMaxStates} states per ` +
          `search ran out (${
            v.minimal ? "no witness order of the earlier lines" : "the prefix may not be minimal"
          }). Raise --explain-max-states, or pass --no-explain for the verdict alone.`
        : "";
      return `${head}\n${v.text}${cut}`;
    }
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
  const { path, model, format, maxStates, explain, explainMaxStates } = parsed;
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
  // A byte-order mark is how some editors start a UTF-8 file; it is not part of the JSON.
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  if (text.trim() === "") {
    console.error(`${path}: the history is empty: no operations to check`);
    return 2;
  }
  const deep = tooDeep(text);
  if (deep !== undefined) {
    console.error(
      `${path}:${deep.line}: a value nested more than ${MAX_NESTING} levels deep; ` +
        `history values are register contents, refused beyond that depth`,
    );
    return 2;
  }
  let result: CheckResult;
  try {
    result = checkHistory(parseHistory(text), { model, maxStates, explain, explainMaxStates });
  } catch (error) {
    if (error instanceof HistoryError) {
      console.error(`${path}:${error.line}: ${error.detail}`);
      return 2;
    }
    throw error;
  }
  if (result.reason !== undefined) result.reason = cliWords(result.reason, maxStates);
  console.log(
    format === "json"
      ? JSON.stringify(result, null, 2)
      : report(path, result, { explain, explainMaxStates, maxStates }),
  );
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
