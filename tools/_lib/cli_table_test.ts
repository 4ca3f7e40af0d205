import assert from "node:assert/strict";
import { listExperiments, runExperiment } from "../../src/mod.ts";
import { formatCell, formatRecords, MAX_TABLE_ROWS, renderTable } from "./cli_table.ts";

// What a table must never show: a placeholder where the data should be.
const PLACEHOLDERS = /\[\d+ values\]|\[object Object\]|\bundefined\b|\bNaN\b/;

Deno.test("a list of records in a summary is drawn as a table, one column per field", () => {
  const text = renderTable({
    experiment: "demo",
    seed: 1,
    traceHash: "ab",
    params: { ranges: "paper" },
    summary: {
      trials: 3,
      ranges: [
        { range: "150–150", medianMs: 19325.6412, capped: 87 },
        { range: "12–24", medianMs: 40.7, note: "fast" },
      ],
    },
    charts: [{ title: "Figure 16" }],
  });
  assert.equal(
    text,
    [
      "demo  seed=1  traceHash=ab",
      "params",
      "  ranges  paper",
      "",
      "summary",
      "  trials  3",
      "summary: ranges (2 rows)",
      "  range     medianMs  capped  note",
      "  150–150  19325.641      87  -",
      "  12–24         40.7       -  fast",
      "",
      "charts: Figure 16 (--format=svg to draw)",
    ].join("\n"),
  );
});

Deno.test("a record of records is a table keyed by its keys, and nesting gets its own block", () => {
  const text = renderTable({
    experiment: "demo",
    seed: 1,
    params: {},
    summary: {
      messagesPerRequest: { pbft: { 4: 31.9, 7: 102.5 }, raft: { 4: 15, 7: 25.25 } },
      sweep: { replicas: 7, runs: [{ byzantine: 0 }, { byzantine: 1 }] },
    },
    charts: [],
  });
  assert.match(
    text,
    /^summary: messagesPerRequest\n {11}4 {6}7\n {2}pbft {2}31\.9 {2}102\.5\n {2}raft {4}15 {2}25\.25$/m,
  );
  assert.match(text, /^summary: sweep\n {2}replicas {2}7\nsummary: sweep: runs \(2 rows\)\n/m);
  assert.doesNotMatch(text, PLACEHOLDERS);
});

Deno.test("long lists are summarised and long tables say what they left out", () => {
  assert.equal(formatCell([3, 1, 2, 5, 4, 9, 8, 7, 6]), "9 values: min 1, median 5, max 9");
  assert.equal(formatCell(["a", "b"]), "a, b");
  assert.match(formatCell("x".repeat(100)), /^x{47}…$/);
  assert.equal(formatCell("x".repeat(100), Infinity).length, 100);
  const rows = Array.from({ length: MAX_TABLE_ROWS + 5 }, (_, i) => ({ i }));
  assert.match(formatRecords(rows), /\n {2}… 5 more rows \(--format=json has them all\)$/);
});

Deno.test("every experiment's table shows its data, never a placeholder", () => {
  for (const experiment of listExperiments()) {
    const run = runExperiment(experiment.name, {}, 1);
    const text = renderTable(run);
    assert.doesNotMatch(text, PLACEHOLDERS, `${experiment.name}:\n${text}`);
  }
});
