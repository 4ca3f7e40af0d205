import assert from "node:assert/strict";
import {
  HistoryError,
  type HistoryEvent,
  historyToJsonLines,
  operationLabel,
  pairOperations,
  parseHistory,
} from "./history.ts";

const line = (event: Record<string, unknown>) => JSON.stringify(event);
const W1 = line({ process: 1, type: "invoke", f: "write", key: "x", value: 1 });
const W1_OK = line({ process: 1, type: "ok", f: "write", key: "x", value: 1 });

function parseError(text: string): HistoryError {
  try {
    parseHistory(text);
  } catch (error) {
    if (error instanceof HistoryError) return error;
    throw error;
  }
  assert.fail(`expected a HistoryError for:\n${text}`);
}

Deno.test("parseHistory reads events in line order and allows a trailing newline", () => {
  const events = parseHistory(`${W1}\r\n${W1_OK}\n\n`);
  assert.deepEqual(events, [
    { process: 1, type: "invoke", f: "write", key: "x", value: 1 },
    { process: 1, type: "ok", f: "write", key: "x", value: 1 },
  ]);
});

Deno.test("parseHistory names the line and the problem of every malformed event", () => {
  const cases: [string, number, RegExp][] = [
    [`${W1}\n{"process": 1,`, 2, /^bad JSON/],
    [`${W1}\n\n${W1_OK}`, 2, /empty line/],
    [`[1, 2]`, 1, /expected a JSON object/],
    [line({ type: "invoke", f: "read" }), 1, /missing "process"/],
    [line({ process: "a", type: "invoke", f: "read" }), 1, /"process" must be an integer/],
    [line({ process: 1.5, type: "invoke", f: "read" }), 1, /"process" must be an integer/],
    [line({ process: 1, type: "done", f: "read" }), 1, /unknown "type" "done"/],
    [line({ process: 1, f: "read" }), 1, /missing "type"/],
    [line({ process: 1, type: "invoke", f: "incr" }), 1, /unknown "f" "incr"/],
    [line({ process: 1, type: "invoke", f: "read", key: [1] }), 1, /"key" must be a string/],
    [line({ process: 1, type: "invoke", f: "write" }), 1, /write invoke needs "value"/],
    [line({ process: 1, type: "invoke", f: "cas", value: [1] }), 1, /2-element array/],
    [line({ process: 1, type: "invoke", f: "cas", value: 3 }), 1, /2-element array/],
    [
      line({ process: 1, type: "invoke", f: "append", value: 3 }),
      1,
      /append value must be a string/,
    ],
    [line({ process: 1, type: "ok", f: "read", value: 1 }), 1, /without an open invoke/],
    [`${W1}\n${W1}`, 2, /still open/],
    [
      `${W1}\n${line({ process: 1, type: "ok", f: "read", key: "x", value: 1 })}`,
      2,
      /does not match/,
    ],
    [`${W1}\n${line({ process: 1, type: "ok", f: "write", key: "y", value: 1 })}`, 2, /key "y"/],
    [`${W1}\n${line({ process: 1, type: "ok", f: "write", key: "x", value: 2 })}`, 2, /differs/],
    [
      `${line({ process: 1, type: "invoke", f: "read" })}\n${
        line({ process: 1, type: "ok", f: "read" })
      }`,
      2,
      /must carry the value read/,
    ],
    [line({ process: 1, type: "invoke", f: "read", time: "noon" }), 1, /"time" must be a number/],
  ];
  for (const [text, expectedLine, pattern] of cases) {
    const error = parseError(text);
    assert.equal(error.line, expectedLine, text);
    assert.match(error.detail, pattern, text);
    assert.equal(error.message, `Line ${expectedLine}: ${error.detail}`);
  }
});

Deno.test("pairOperations treats info and a missing completion as unknown outcomes", () => {
  const ops = pairOperations(parseHistory([
    W1,
    line({ process: 2, type: "invoke", f: "read", key: "x" }),
    line({ process: 1, type: "info", f: "write", key: "x" }),
    line({ process: 2, type: "fail", f: "read", key: "x" }),
    line({ process: 3, type: "invoke", f: "cas", key: "x", value: [1, 2] }),
  ].join("\n")));
  assert.deepEqual(ops.map((op) => [op.outcome, op.invokeLine, op.completeLine]), [
    ["unknown", 1, 3],
    ["fail", 2, 4],
    ["unknown", 5, null],
  ]);
});

Deno.test("historyToJsonLines round-trips through parseHistory", () => {
  const events: HistoryEvent[] = [
    { process: 0, type: "invoke", f: "cas", value: [null, { a: 1 }], time: 3 },
    { process: 0, type: "fail", f: "cas", value: [null, { a: 1 }] },
    { process: 4, type: "invoke", f: "append", key: 7, value: "ab" },
  ];
  assert.deepEqual(parseHistory(historyToJsonLines(events)), events);
});

Deno.test("operationLabel writes operations the way the literature does", () => {
  const ops = pairOperations(parseHistory([
    W1,
    W1_OK,
    line({ process: 2, type: "invoke", f: "read" }),
    line({ process: 2, type: "ok", f: "read", value: "s" }),
    line({ process: 2, type: "invoke", f: "cas", key: "x", value: [1, 2] }),
    line({ process: 2, type: "fail", f: "cas", key: "x" }),
    line({ process: 3, type: "invoke", f: "append", key: "x", value: "a" }),
  ].join("\n")));
  assert.deepEqual(ops.map(operationLabel), [
    "w(x,1)",
    'r()="s"',
    "cas(x,1→2) fail",
    'append(x,"a") ?',
  ]);
});
