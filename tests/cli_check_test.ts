/**
 * `deno task check` refuses what it cannot check, in one line and with exit 2, and keeps the
 * explanation of a violation within its own budget (issue 16). Each case runs the CLI in a
 * subprocess on a history written here.
 */
import assert from "node:assert/strict";

const CLI = new URL("../tools/check.ts", import.meta.url).pathname;

async function check(history: string | Uint8Array, ...args: string[]) {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  if (typeof history === "string") await Deno.writeTextFile(path, history);
  else await Deno.writeFile(path, history);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, path, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const d = new TextDecoder();
    return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr).trim() };
  } finally {
    await Deno.remove(path);
  }
}

const line = (o: Record<string, unknown>) => JSON.stringify(o) + "\n";
const write1 = line({ process: 1, type: "invoke", f: "write", value: 1 }) +
  line({ process: 1, type: "ok", f: "write", value: 1 });

Deno.test("check reads a history that starts with a UTF-8 byte-order mark", async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(write1)]);
  const r = await check(bytes);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /: linearizable \(1 operations/);
});

Deno.test("check refuses an empty history with exit 2 instead of calling it linearizable", async () => {
  for (const text of ["", "\n\n  \n"]) {
    const r = await check(text);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /: the history is empty: no operations to check$/);
    assert.equal(r.stderr.split("\n").length, 1);
  }
});

Deno.test("check refuses a value nested 5000 deep with exit 2 and the line, not a stack overflow", async () => {
  const deep = "[".repeat(5000) + "]".repeat(5000);
  const r = await check(
    write1 + `{"process": 2, "type": "invoke", "f": "write", "value": ${deep}}\n`,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /:3: a value nested more than 100 levels deep; /);
  assert.equal(r.stderr.split("\n").length, 1);
  // Brackets inside strings are text, not nesting.
  const inString = await check(
    line({ process: 1, type: "invoke", f: "write", value: "[".repeat(500) }) +
      line({ process: 1, type: "ok", f: "write", value: "[".repeat(500) }),
  );
  assert.equal(inString.code, 0, inString.stderr);
});

Deno.test("check names its own --max-states option when the budget runs out", async () => {
  const r = await check(write1 + write1, "--max-states=1");
  assert.equal(r.code, 3);
  assert.match(r.stdout, /raise --max-states \(now 1\)/);
  assert.doesNotMatch(r.stdout, /raise maxStates/);
  const json = await check(write1 + write1, "--max-states=1", "--format=json");
  assert.match(JSON.parse(json.stdout).reason, /raise --max-states \(now 1\)$/);
});

/** 40 writes that never complete, reads of 0..39 in order, then a read of 0 (issue 16). */
function slowToExplain(): string {
  let text = "";
  for (let i = 0; i < 40; i++) {
    text += line({ process: 100 + i, type: "invoke", f: "write", value: i });
  }
  for (let i = 0; i < 40; i++) {
    text += line({ process: 1, type: "invoke", f: "read" }) +
      line({ process: 1, type: "ok", f: "read", value: i });
  }
  return text + line({ process: 2, type: "invoke", f: "read" }) +
    line({ process: 2, type: "ok", f: "read", value: 0 });
}

Deno.test("check gives the explanation its own budget and says when it was cut short", async () => {
  const r = await check(slowToExplain());
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /NOT linearizable/);
  assert.match(r.stdout, /Line 122 completes r\(\)=0 by process 2/);
  assert.match(
    r.stdout,
    /The explanation was cut short: its budget of 20000 states per search ran out .*Raise --explain-max-states, or pass --no-explain/,
  );
});

Deno.test("check --no-explain gives the verdict alone, and the explain budget is validated", async () => {
  const r = await check(slowToExplain(), "--no-explain");
  assert.equal(r.code, 1);
  assert.match(r.stdout, /NOT linearizable .*\n\(No explanation: --no-explain\.\)\n?$/);
  for (const bad of ["--explain-max-states=0", "--explain-max-states=x", "--no-explain=1"]) {
    const refused = await check(write1, bad);
    assert.equal(refused.code, 2, bad);
    assert.equal(refused.stderr.split("\n").length, 1);
  }
});

Deno.test("check --from=jepsen-log checks a Jepsen etcd log, and --convert prints it as JSON lines", async () => {
  const log = "INFO  jepsen.util - 0\t:invoke\t:write\t2\n" +
    "INFO  jepsen.util - 0\t:ok\t:write\t2\n" +
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n" +
    "INFO  jepsen.util - 1\t:ok\t:read\tnil\n";
  const r = await check(log, "--from=jepsen-log", "--no-explain");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /NOT linearizable \(2 operations/);
  const converted = await check(log, "--from=jepsen-log", "--convert");
  assert.equal(converted.code, 0, converted.stderr);
  assert.equal(
    converted.stdout.split("\n")[3],
    '{"process":1,"type":"ok","f":"read","value":null}',
  );
  const bad = await check(log, "--from=edn");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from must be jsonl, jepsen-log, porcupine-kv, got "edn"/);
});
