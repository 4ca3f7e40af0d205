import assert from "node:assert/strict";
import { checkHistory } from "./checker.ts";
import { convertHistory, fromJepsenLog, fromPorcupineKv } from "./convert.ts";
import { HistoryError } from "./history.ts";

// Hand-written in the shape of Jepsen's etcd logs (not taken from any data set).
const JEPSEN_LOG = [
  "INFO  jepsen.util - 0\t:invoke\t:write\t1",
  "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 0\t:ok\t:write\t1",
  "INFO  jepsen.util - 1\t:ok\t:read\t1",
  "INFO  jepsen.util - :nemesis\t:info\t:start\tnil",
  "INFO  jepsen.util - 2\t:invoke\t:cas\t[1 3]",
  "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 0\t:fail\t:read\t:timed-out",
  "INFO  jepsen.util - 2\t:info\t:cas\t:timed-out",
  "INFO  jepsen.util - 7\t:invoke\t:cas\t[3 4]",
  "INFO  jepsen.util - 7\t:fail\t:cas\t[3 4]",
  "INFO  jepsen.util - 8\t:invoke\t:read\tnil",
  "INFO  jepsen.util - 8\t:ok\t:read\t3",
  "",
].join("\n");

Deno.test("fromJepsenLog reads invocations, completions, timeouts and skips the nemesis", () => {
  const events = fromJepsenLog(JEPSEN_LOG);
  assert.equal(events.length, 12);
  assert.deepEqual(events[0], { process: 0, type: "invoke", f: "write", value: 1 });
  assert.deepEqual(events[3], { process: 1, type: "ok", f: "read", value: 1 });
  assert.deepEqual(events[5], { process: 0, type: "invoke", f: "read" });
  assert.deepEqual(events[6], { process: 0, type: "fail", f: "read" });
  assert.deepEqual(events[7], { process: 2, type: "info", f: "cas", value: [1, 3] });
  assert.deepEqual(events[9], { process: 7, type: "fail", f: "cas", value: [3, 4] });
});

Deno.test("a converted Jepsen log is checked with the timed-out cas possibly applied", () => {
  // The read of 3 is only possible if the timed-out cas [1 3] took effect; the failed cas
  // [3 4] then says the value was not 3 at that moment, so it must come before the cas.
  assert.equal(checkHistory(fromJepsenLog(JEPSEN_LOG)).verdict, "linearizable");
  const stale = JEPSEN_LOG.replace("8\t:ok\t:read\t3", "8\t:ok\t:read\tnil");
  assert.equal(checkHistory(fromJepsenLog(stale), { explain: false }).verdict, "not-linearizable");
});

Deno.test("fromJepsenLog refuses an operation line it cannot read, naming the line", () => {
  const bad =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t{1}\n";
  assert.throws(() => fromJepsenLog(bad), (e) => e instanceof HistoryError && e.line === 2);
  assert.throws(
    () => fromJepsenLog("INFO  jepsen.util - 0\t:invoke\t:add\t1\n"),
    (e) => e instanceof HistoryError && /unsupported :f :add/.test(e.detail),
  );
});

// Hand-written in the shape of Porcupine's key-value logs.
const KV_LOG = [
  '{:process 0, :type :invoke, :f :get, :key "a", :value nil}',
  '{:process 1, :type :invoke, :f :append, :key "a", :value "x"}',
  '{:process 0, :type :ok, :f :get, :key "a", :value ""}',
  '{:process 1, :type :ok, :f :append, :key "a", :value "x"}',
  '{:process 2, :type :invoke, :f :append, :key "b", :value ""}',
  '{:process 2, :type :ok, :f :append, :key "b", :value ""}',
  '{:process 2, :type :invoke, :f :put, :key "b", :value "y \\"q\\""}',
  '{:process 3, :type :invoke, :f :get, :key "a", :value nil}',
  '{:process 3, :type :ok, :f :get, :key "a", :value "x"}',
].join("\n");

Deno.test("fromPorcupineKv maps get/put/append and the empty string to null", () => {
  const events = fromPorcupineKv(KV_LOG);
  assert.deepEqual(events.map((e) => `${e.process} ${e.type} ${e.f} ${e.key}`), [
    "0 invoke read a",
    "1 invoke append a",
    "0 ok read a",
    "1 ok append a",
    "2 invoke write b",
    "3 invoke read a",
    "3 ok read a",
  ]);
  assert.equal(events[2].value, null);
  assert.equal(events[4].value, 'y "q"');
  assert.equal(checkHistory(events, { model: "kv" }).verdict, "linearizable");
});

Deno.test("a Porcupine key-value read of a value never written is a violation", () => {
  const bad = KV_LOG.replace(
    ':ok, :f :get, :key "a", :value "x"}',
    ':ok, :f :get, :key "a", :value "z"}',
  );
  const result = checkHistory(fromPorcupineKv(bad), { model: "kv", explain: false });
  assert.equal(result.verdict, "not-linearizable");
});

Deno.test("convertHistory refuses a format it does not convert", () => {
  assert.throws(() => convertHistory("", "jsonl" as never), /format must be jepsen-log/);
  assert.throws(
    () => fromPorcupineKv('{:process 0, :type :invoke, :f :cas, :key "a", :value nil}'),
    HistoryError,
  );
});
