/**
 * `deno task run --format=table`: an experiment's run as text a person reads in a terminal.
 *
 * Summaries are plain JSON of any shape, so the layout follows the data rather than each
 * experiment: scalars as `key  value` lines; a list of records (Raft's per-range rows, a sweep's
 * points) as a real table with one column per field; a record of records (`{pbft: {4: …},
 * raft: {4: …}}`) as a table with the outer keys as the first column; nested records as
 * their own titled block; a long list of numbers as its size and spread. Nothing is ever
 * printed as `[object Object]`, `[N values]` or `undefined`.
 *
 * @module
 */

/** The part of an experiment run the table shows. */
export interface TableRun {
  experiment: string;
  seed: number;
  traceHash?: string;
  params: Record<string, unknown>;
  summary: Record<string, unknown>;
  charts: { title: string }[];
}

/** A list longer than this is summarised (numbers) or cut (anything else) in a cell. */
const INLINE_ITEMS = 8;
/** A table cell's text is cut beyond this many characters. */
const CELL_CHARS = 48;
/** A `key  value` line's value is cut beyond this many (sentences fit, dumps do not). */
const LINE_CHARS = 240;
/** A table shows at most this many rows, then says how many it left out. */
export const MAX_TABLE_ROWS = 100;

type Plain = Record<string, unknown>;

function isRecord(value: unknown): value is Plain {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean", "undefined"].includes(typeof value);
}

// Three decimals are plenty on a terminal; the JSON output keeps every digit.
function round(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 1000) / 1000;
}

/**
 * One value as a short line: numbers to three decimals, a short list joined by commas, a long
 * list of numbers as its count and spread, anything nested as compact JSON, cut to fit.
 *
 * @param value Any JSON value (`undefined` shows as `-`).
 * @param maxChars Where the text is cut, with `…`. @default 48 (a table cell)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCell } from "./cli_table.ts";
 * assert.equal(formatCell(1.23456), "1.235");
 * assert.equal(formatCell([1, 2, 3]), "1, 2, 3");
 * assert.equal(formatCell(Array.from({ length: 10 }, (_, i) => i)), "10 values: min 0, median 5, max 9");
 * assert.equal(formatCell({ a: 1 }), '{"a":1}');
 * assert.equal(formatCell(undefined), "-");
 * ```
 */
export function formatCell(value: unknown, maxChars: number = CELL_CHARS): string {
  const cut = (text: string) =>
    text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
  if (value === undefined || value === null) return "-";
  if (typeof value === "number") return String(round(value));
  if (typeof value === "string") return cut(value);
  if (Array.isArray(value)) {
    if (value.length <= INLINE_ITEMS && value.every(isScalar)) {
      return cut(value.map((v) => formatCell(v, maxChars)).join(", "));
    }
    if (value.every((v) => typeof v === "number" && Number.isFinite(v))) {
      const sorted = [...value as number[]].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      return `${value.length} values: min ${round(sorted[0])}, median ${round(median)}, max ${
        round(sorted[sorted.length - 1])
      }`;
    }
  }
  if (typeof value === "object") {
    return cut(JSON.stringify(value, (_, v) => typeof v === "number" ? round(v) : v));
  }
  return String(value);
}

function keyValues(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length), 4);
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd()).join("\n");
}

/**
 * Records as a table: one column per field (in order of first appearance), numbers aligned
 * right, a missing field shown as `-`, at most {@linkcode MAX_TABLE_ROWS} rows.
 *
 * @param rows The records.
 * @param options `key`: a first column holding each row's label (for a record of records).
 * @returns The table's lines joined, indented by two spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRecords } from "./cli_table.ts";
 * assert.equal(
 *   formatRecords([{ range: "150–300", medianMs: 178.4291 }, { range: "150–151", medianMs: 2263 }]),
 *   [
 *     "  range    medianMs",
 *     "  150–300   178.429",
 *     "  150–151      2263",
 *   ].join("\n"),
 * );
 * ```
 */
export function formatRecords(
  rows: readonly Plain[],
  options: { key?: { title: string; values: readonly string[] } } = {},
): string {
  const fields: string[] = [];
  for (const row of rows) {
    for (const field of Object.keys(row)) {
      if (!fields.includes(field)) fields.push(field);
    }
  }
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const columns = fields.map((field) => ({
    title: field,
    cells: shown.map((row) => formatCell(row[field])),
    numeric: shown.every((row) => typeof row[field] === "number" || row[field] === undefined),
  }));
  if (options.key) {
    columns.unshift({ title: options.key.title, cells: [...options.key.values], numeric: false });
  }
  const widths = columns.map((c) => Math.max(c.title.length, ...c.cells.map((s) => s.length)));
  const line = (texts: string[]) =>
    "  " +
    texts.map((text, i) => columns[i].numeric ? text.padStart(widths[i]) : text.padEnd(widths[i]))
      .join("  ").trimEnd();
  const lines = [line(columns.map((c) => c.title))];
  for (let r = 0; r < shown.length; r++) lines.push(line(columns.map((c) => c.cells[r])));
  if (rows.length > shown.length) {
    lines.push(`  … ${rows.length - shown.length} more rows (--format=json has them all)`);
  }
  return lines.join("\n");
}

const isRecordList = (value: unknown): value is Plain[] =>
  Array.isArray(value) && value.length > 0 && value.every(isRecord);

// A record whose values are all records of scalars reads best as a table keyed by its keys.
const isRecordOfRecords = (value: unknown): value is Record<string, Plain> =>
  isRecord(value) && Object.keys(value).length > 0 &&
  Object.values(value).every((v) => isRecord(v) && Object.values(v).every(isScalar));

/** A titled block for each value that does not fit on a line, after the block's own lines. */
function section(title: string, value: Plain): string[] {
  const flat: [string, string][] = [];
  const blocks: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const name = `${title}: ${key}`;
    if (isRecordList(v)) blocks.push(`${name} (${v.length} rows)`, formatRecords(v));
    else if (isRecordOfRecords(v)) {
      blocks.push(
        name,
        formatRecords(Object.values(v), { key: { title: "", values: Object.keys(v) } }),
      );
    } else if (isRecord(v) && Object.keys(v).length > 0) blocks.push(...section(name, v));
    else flat.push([key, formatCell(v, LINE_CHARS)]);
  }
  return [...(flat.length ? [title, keyValues(flat)] : []), ...blocks];
}

/**
 * The whole run: a header line, the parameters, the summary (its nested parts as their own
 * blocks and tables) and the charts' titles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTable } from "./cli_table.ts";
 * const text = renderTable({
 *   experiment: "demo", seed: 1, traceHash: "ab", params: { trials: 2 }, charts: [],
 *   summary: { trials: 2, ranges: [{ range: "a", medianMs: 1 }, { range: "b", medianMs: 2.5 }] },
 * });
 * assert.match(text, /^summary: ranges \(2 rows\)\n  range  medianMs\n  a             1\n  b           2.5$/m);
 * assert.doesNotMatch(text, /values\]|object Object|undefined/);
 * ```
 */
export function renderTable(run: TableRun): string {
  const out = [
    `${run.experiment}  seed=${run.seed}  traceHash=${run.traceHash || "-"}`,
    ...section("params", run.params),
    "",
    ...section("summary", run.summary),
  ];
  if (run.charts.length) {
    out.push("", `charts: ${run.charts.map((c) => c.title).join("; ")} (--format=svg to draw)`);
  }
  return out.join("\n");
}
