/**
 * `deno task check <history.jsonl> [--model=register|kv] [--format=text|json]
 * [--max-states=N] [--explain-max-states=N] [--no-explain] [--from=jsonl|jepsen-log|porcupine-kv]
 * [--convert] [--workers=N]`: checks a JSON-lines history for linearizability.
 *
 * `--from` reads another format instead (a Jepsen etcd log, a Porcupine key-value log; see
 * src/check/linearizability/convert.ts); `--convert` prints the history as JSON lines instead
 * of checking it.
 *
 * Several files, or a folder (its `*.jsonl` files, in name order), are checked in one
 * process: one line per file, then a summary (`--format=json`: one object with `files` and
 * `summary`). The exit code is then the worst one: 2 if any file could not be read or
 * parsed, else 1 if any is not linearizable, else 3 if any is unknown, else 0.
 *
 * `--workers=N` (default 2; 1 = all on the main thread) shares the work out over N threads:
 * the main thread and N - 1 Deno Workers take the files of the many-file mode one by one;
 * for one history, the keys that its first two (cheap) rounds left undecided go to N
 * workers. The output is the same for every N and every timing: files are printed in order,
 * and a history's keys' results are taken in its own schedule's order (the first refuted key
 * still stops the rest, and the workers are stopped then). Two hard keys searched at once
 * need twice the memory of one; `--workers=1` bounds it.
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

// The linearizability modules themselves, not src/check/mod.ts: every worker loads these,
// and the rest of check/ (the protocol searches) would only slow its start.
import { checkHistory, type CheckResult, planCheck } from "../src/check/linearizability/checker.ts";
import {
  HistoryError,
  type HistoryEvent,
  historyToJsonLines,
  type Operation,
  parseHistory,
} from "../src/check/linearizability/history.ts";
import {
  convertHistory,
  HISTORY_FORMATS,
  type HistoryFormat,
} from "../src/check/linearizability/convert.ts";
import { runKeySchedule } from "../src/check/linearizability/key_schedule.ts";
import type { RegisterCheck, RegisterChecker } from "../src/check/linearizability/depth_first.ts";
// Paths are the caller's (`deno task` runs in the repository root): read through fromCaller,
// print as given.
import { fromCaller } from "./_lib/caller_paths.ts";

const USAGE = "Usage: deno task check <history.jsonl>... | <folder> [--model=register|kv] " +
  "[--format=text|json] [--max-states=N] [--explain-max-states=N] [--no-explain] " +
  "[--from=jsonl|jepsen-log|porcupine-kv] [--convert] [--workers=N]";

/** The files a folder contributes in the many-file mode, by `--from`. */
const EXTENSIONS: Record<HistoryFormat, string> = {
  "jsonl": ".jsonl",
  "jepsen-log": ".log",
  "porcupine-kv": ".txt",
};

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
  /** Every history file or folder named (the many-file mode when more than one, or a folder). */
  paths: string[];
  model: "register" | "kv";
  format: "text" | "json";
  maxStates?: number;
  explain: boolean;
  explainMaxStates: number;
  /** The input format. */
  from: HistoryFormat;
  /** Print the history as JSON lines instead of checking it. */
  convert: boolean;
  /** Worker threads; 1 checks on the main thread. */
  workers: number;
}

/** What checking one file in the many-file mode needs (what a worker is sent). */
export type FileOptions = Omit<Arguments, "path" | "paths">;

/** Workers by default: this machine's two cores. */
const DEFAULT_WORKERS = 2;
/**
 * Rounds over a history's keys run on the main thread before any key goes to a worker: with
 * budgets of 10 000 and 40 000 states they take well under a second, less than starting
 * workers costs on keys they decide.
 */
const IN_PROCESS_ROUNDS = 2;

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Arguments | "help" {
  const paths: string[] = [];
  let model: Arguments["model"] = "register";
  let format: Arguments["format"] = "text";
  let maxStates: number | undefined;
  let explain = true;
  let explainMaxStates = DEFAULT_EXPLAIN_MAX_STATES;
  let from: HistoryFormat = "jsonl";
  let convert = false;
  let workers = DEFAULT_WORKERS;
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
      paths.push(arg);
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
      case "--workers":
        workers = budget(name, value);
        if (workers > 64) throw new UsageError(`--workers must be at most 64, got ${workers}`);
        break;
      case "--from":
        if (!HISTORY_FORMATS.includes(value as HistoryFormat)) {
          throw new UsageError(
            `--from must be ${HISTORY_FORMATS.join(", ")}, got "${value ?? ""}"`,
          );
        }
        from = value as HistoryFormat;
        break;
      case "--convert":
        if (value !== undefined) throw new UsageError(`--convert takes no value`);
        convert = true;
        break;
      case "--no-explain":
        if (value !== undefined) throw new UsageError(`--no-explain takes no value`);
        explain = false;
        break;
      default:
        throw new UsageError(`Unknown flag ${name}`);
    }
  }
  if (paths.length === 0) throw new UsageError("Missing the history file");
  return {
    path: paths[0],
    paths,
    model,
    format,
    maxStates,
    explain,
    explainMaxStates,
    from,
    convert,
    workers,
  };
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
    `${result.statesExplored} states explored${keyBreakdown(result)}`;
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

async function main(args: readonly string[]): Promise<number> {
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
  if (parsed.convert) return convertFiles(parsed);
  if (parsed.paths.length > 1 || isDirectory(path)) return await checkMany(parsed);
  const read = readHistoryText(path);
  if (typeof read !== "string") {
    console.error(read.error);
    return 2;
  }
  const text = read;
  let result: CheckResult;
  try {
    result = await checkOnWorkers(readEvents(text, parsed.from), {
      model,
      maxStates,
      explain,
      explainMaxStates,
    }, parsed);
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

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(fromCaller(path)).isDirectory;
  } catch {
    return false; // reported by the single-file path as it always was
  }
}

/** One file's outcome in the many-file mode. */
interface FileOutcome {
  path: string;
  verdict: CheckResult["verdict"] | "bad-input";
  /** For bad input: why, as `path:line: detail`. */
  error?: string;
  operations?: number;
  keys?: number;
  statesExplored?: number;
  /** Keys per verdict (`unchecked`: the run stopped at a refuted key first). */
  keyVerdicts?: Record<string, (string | number | null)[]>;
  ms: number;
}

/** The events of a history text in the format `--from` names. */
function readEvents(text: string, from: HistoryFormat): HistoryEvent[] {
  return from === "jsonl" ? parseHistory(text) : convertHistory(text, from);
}

/** `--convert`: every file's history as JSON lines on stdout, in order. */
function convertFiles(parsed: Arguments): number {
  for (const file of expandPaths(parsed.paths, EXTENSIONS[parsed.from])) {
    const text = readHistoryText(file);
    if (typeof text !== "string") {
      console.error(text.error);
      return 2;
    }
    try {
      Deno.stdout.writeSync(
        new TextEncoder().encode(historyToJsonLines(readEvents(text, parsed.from))),
      );
    } catch (error) {
      if (!(error instanceof HistoryError)) throw error;
      console.error(`${file}:${error.line}: ${error.detail}`);
      return 2;
    }
  }
  return 0;
}

/**
 * The files to check: the paths given, with each folder replaced by its files ending in
 * `extension` (`*.jsonl`, or the `--from` format's).
 */
function expandPaths(paths: readonly string[], extension = ".jsonl"): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!isDirectory(path)) {
      files.push(path);
      continue;
    }
    const names = [...Deno.readDirSync(fromCaller(path))]
      .filter((entry) => entry.isFile && entry.name.endsWith(extension))
      .map((entry) => entry.name)
      .sort();
    for (const name of names) files.push(`${path.replace(/\/+$/, "")}/${name}`);
  }
  return files;
}

/**
 * Reads a history file and refuses what the checker should never see: a missing or unreadable
 * file, an empty one, values nested deeper than {@linkcode MAX_NESTING}. A UTF-8 byte-order
 * mark is dropped. Returns the text, or `{error}` with the one line to print.
 */
function readHistoryText(path: string): string | { error: string } {
  let text: string;
  try {
    text = Deno.readTextFileSync(fromCaller(path));
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    return { error: `${path}: cannot read the history: ${reason}` };
  }
  // A byte-order mark is how some editors start a UTF-8 file; it is not part of the JSON.
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  if (text.trim() === "") return { error: `${path}: the history is empty: no operations to check` };
  const deep = tooDeep(text);
  if (deep !== undefined) {
    return {
      error: `${path}:${deep.line}: a value nested more than ${MAX_NESTING} levels deep; ` +
        `history values are register contents, refused beyond that depth`,
    };
  }
  return text;
}

/**
 * Checks one file for the many-file mode (on this thread: the files themselves are what the
 * workers share out then).
 */
export function checkOneFile(path: string, options: FileOptions): FileOutcome {
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  const text = readHistoryText(path);
  if (typeof text !== "string") return { path, verdict: "bad-input", error: text.error, ms: 0 };
  try {
    const result = checkHistory(readEvents(text, options.from), {
      model: options.model,
      maxStates: options.maxStates,
      explain: false,
    });
    const keyVerdicts: Record<string, (string | number | null)[]> = {};
    for (const key of result.keys) (keyVerdicts[key.verdict] ??= []).push(key.key);
    return {
      path,
      verdict: result.verdict,
      operations: result.operations,
      keys: result.keys.length,
      statesExplored: result.statesExplored,
      keyVerdicts,
      ms: elapsed(),
    };
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    return {
      path,
      verdict: "bad-input",
      error: `${path}:${error.line}: ${error.detail}`,
      ms: elapsed(),
    };
  }
}

const WORKER = new URL("./check_worker.ts", import.meta.url).href;

/** Starts a worker that reports its messages and its errors. */
function startWorker(
  onMessage: (data: unknown) => void,
  onError: (error: Error) => void,
): Worker {
  const worker = new Worker(WORKER, { type: "module" });
  worker.onmessage = (event) => onMessage(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    onError(new Error(`a worker failed: ${event.message}`));
  };
  return worker;
}

/**
 * Checks one history, its keys' rounds shared out over workers when it pays (two keys or
 * more still open after the first round). Each worker runs the schedule of its
 * own keys; their round results are fed to the history's schedule in its own order, so the
 * result is exactly that of {@linkcode checkHistory}, whichever worker finishes first. Once
 * that schedule is over (a key refuted, or every key decided), the workers still running are
 * stopped.
 */
async function checkOnWorkers(
  events: HistoryEvent[],
  options: Parameters<typeof checkHistory>[1] & object,
  parsed: Arguments,
): Promise<CheckResult> {
  const plan = planCheck(events, options);
  const lists = plan.keyOperations;
  // The first rounds (cheap) run here: they decide most histories, and starting workers
  // costs more than they do. Only keys they left open go to the workers, which redo those
  // rounds (at most 50 000 states each) to have their searches at hand.
  const open: number[] = [];
  const checkers = new Map<number, RegisterChecker>();
  runKeySchedule(lists, plan.schedule, {
    ...plan.keyOptions,
    checkers,
    until: (task) => task.round >= IN_PROCESS_ROUNDS,
  });
  for (let key = 0; key < lists.length; key++) {
    if (plan.schedule.verdicts[key] === "unchecked") open.push(key);
  }
  const count = Math.min(parsed.workers, open.length);
  if (plan.schedule.next() === undefined || count < 2) {
    runKeySchedule(lists, plan.schedule, { ...plan.keyOptions, checkers });
    return plan.finish();
  }
  // Largest keys first, each to the worker with the fewest operations so far.
  const shares: number[][] = Array.from({ length: count }, () => []);
  const loads = new Array(count).fill(0);
  const bySize = open.sort((a, b) => lists[b].length - lists[a].length || a - b);
  for (const key of bySize) {
    const w = loads.indexOf(Math.min(...loads));
    shares[w].push(key);
    loads[w] += lists[key].length;
  }
  checkers.clear(); // the workers have their own
  const results = new Map<string, RegisterCheck>();
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const advance = () => {
        for (let task = plan.schedule.next(); task !== undefined; task = plan.schedule.next()) {
          const id = `${task.round}:${task.key}`;
          const check = results.get(id);
          if (check === undefined) return;
          results.delete(id);
          plan.schedule.record(check);
        }
        resolve();
      };
      for (const share of shares) {
        const worker = startWorker((data) => {
          const message = data as { key: number; round: number; check: RegisterCheck } | {
            done: true;
          };
          if ("done" in message) return;
          results.set(`${message.round}:${message.key}`, message.check);
          advance();
        }, reject);
        workers.push(worker);
        const mine: Operation[][] = [];
        for (const key of share.sort((a, b) => a - b)) mine[key] = lists[key];
        worker.postMessage({
          job: "keys",
          lists: mine,
          keyCount: lists.length,
          keys: share,
          maxStates: plan.keyOptions.maxStates,
          checkAllKeys: plan.checkAllKeys,
          prefix: plan.keyOptions.prefix,
          prefixMaxStates: plan.keyOptions.prefixMaxStates,
        });
      }
    });
  } finally {
    for (const worker of workers) worker.terminate();
  }
  return plan.finish();
}

/**
 * Checks files on `--workers` threads when there are several files, the main thread and
 * `--workers` - 1 workers (each takes the next file when it is free, from a shared counter),
 * reporting each outcome in the files' order as soon as it and
 * those before it are known.
 */
async function checkFiles(
  files: readonly string[],
  parsed: Arguments,
  report: (outcome: FileOutcome) => void,
): Promise<FileOutcome[]> {
  const { path: _path, paths: _paths, ...options } = parsed;
  const outcomes: FileOutcome[] = [];
  const count = Math.min(parsed.workers, files.length);
  if (count < 2) {
    for (const file of files) {
      const outcome = checkOneFile(file, options);
      outcomes.push(outcome);
      report(outcome);
    }
    return outcomes;
  }
  const done: (FileOutcome | undefined)[] = new Array(files.length);
  let reported = 0;
  // The next file nobody has taken, shared with the workers (each takes one with Atomics.add).
  const shared = new SharedArrayBuffer(4);
  const next = new Int32Array(shared);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const finished = (file: number, outcome: FileOutcome) => {
        done[file] = outcome;
        for (; reported < files.length && done[reported] !== undefined; reported++) {
          outcomes.push(done[reported] as FileOutcome);
          report(done[reported] as FileOutcome);
          done[reported] = undefined;
        }
        if (reported === files.length) resolve();
      };
      for (let w = 1; w < count; w++) {
        const worker = startWorker((data) => {
          const { file, outcome } = data as { file: number; outcome: FileOutcome };
          finished(file, outcome);
        }, reject);
        workers.push(worker);
        worker.postMessage({ job: "files", files, options, next: shared });
      }
      // The main thread is one of the `count` checkers: it takes files while the workers
      // start (so a small folder is done before they are ready), yielding between files so
      // their outcomes are received.
      const mainThread = () => {
        const file = Atomics.add(next, 0, 1);
        if (file >= files.length) return;
        try {
          finished(file, checkOneFile(files[file], options));
        } catch (error) {
          reject(error);
          return;
        }
        setTimeout(mainThread, 0);
      };
      mainThread();
    });
  } finally {
    for (const worker of workers) worker.terminate();
  }
  return outcomes;
}

/**
 * Which keys were refuted, shown linearizable, left unknown or unchecked (the run stops at
 * the first refuted key), for a history with more than one key.
 */
function keyBreakdown(result: CheckResult): string {
  if (result.keys.length < 2) return "";
  const parts: string[] = [];
  const names: Record<string, string> = {
    "not-linearizable": "refuted",
    "linearizable": "linearizable",
    "unknown": "unknown",
    "unchecked": "unchecked",
  };
  for (const [verdict, name] of Object.entries(names)) {
    const keys = result.keys.filter((k) => k.verdict === verdict).map((k) => JSON.stringify(k.key));
    if (keys.length === 0) continue;
    parts.push(verdict === "linearizable" ? `${keys.length} ${name}` : `${name} ${keys.join(",")}`);
  }
  return `; keys: ${parts.join(", ")}`;
}

function fileLine(outcome: FileOutcome): string {
  if (outcome.verdict === "bad-input") return `${outcome.error} (bad input)`;
  const keys = outcome.keyVerdicts ?? {};
  const named = (verdict: string) => (keys[verdict] ?? []).map((k) => JSON.stringify(k)).join(",");
  const detail = [
    `${outcome.operations} operations`,
    `${outcome.keys} key${outcome.keys === 1 ? "" : "s"}`,
  ];
  for (const verdict of ["not-linearizable", "unknown", "unchecked"]) {
    if (keys[verdict] !== undefined) {
      detail.push(`${verdict === "not-linearizable" ? "refuted" : verdict} ${named(verdict)}`);
    }
  }
  detail.push(`${outcome.statesExplored} states`, `${outcome.ms} ms`);
  const label = outcome.verdict === "not-linearizable" ? "NOT linearizable" : outcome.verdict;
  return `${outcome.path}: ${label} (${detail.join(", ")})`;
}

/** The many-file mode: one line per file, a summary, the worst exit code. */
async function checkMany(parsed: Arguments): Promise<number> {
  const extension = EXTENSIONS[parsed.from];
  const files = expandPaths(parsed.paths, extension);
  if (files.length === 0) {
    console.error(`${parsed.paths.join(", ")}: no *${extension} history files. ${USAGE}`);
    return 2;
  }
  const outcomes = await checkFiles(files, parsed, (outcome) => {
    if (parsed.format === "text") console.log(fileLine(outcome));
  });
  const count = (verdict: FileOutcome["verdict"]) =>
    outcomes.filter((o) => o.verdict === verdict).length;
  const summary = {
    files: outcomes.length,
    linearizable: count("linearizable"),
    notLinearizable: count("not-linearizable"),
    unknown: count("unknown"),
    badInput: count("bad-input"),
    ms: outcomes.reduce((sum, o) => sum + o.ms, 0),
  };
  if (parsed.format === "json") console.log(JSON.stringify({ files: outcomes, summary }, null, 2));
  else {
    console.log(
      `${summary.files} files: ${summary.linearizable} linearizable, ${summary.notLinearizable} ` +
        `not linearizable, ${summary.unknown} unknown, ${summary.badInput} bad input ` +
        `(${summary.ms} ms)`,
    );
  }
  return summary.badInput > 0 ? 2 : summary.notLinearizable > 0 ? 1 : summary.unknown > 0 ? 3 : 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    // Never a stack trace: an internal error is still reported in one line.
    console.error(`check: internal error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(4);
  }
}
