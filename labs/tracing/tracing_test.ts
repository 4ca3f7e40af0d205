/**
 * Tests for the tracing lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). One request goes through web → api → (auth, db) →
 * cache; the spans every service recorded must form one tree.
 */
import assert from "node:assert/strict";
import { loadLab } from "../_lib/load.ts";
import type { TracingLab } from "./api.ts";
import { chainFailures, entryFailures } from "./cases.ts";
import { runChain } from "./harness.ts";

const lab = await loadLab<TracingLab>(import.meta.url);

Deno.test("every hop carries a traceparent and the spans form one tree of server and client spans", () => {
  for (const seed of [1, 2, 3]) {
    const failures = chainFailures(lab, seed);
    const { spans } = runChain(lab, { seed });
    const drawn = spans.map((s) =>
      `  ${s.service.padEnd(6)} ${s.kind.padEnd(6)} ${s.name.padEnd(12)} trace ${
        s.traceId.slice(0, 8)
      } span ${s.spanId.slice(0, 8)} parent ${s.parentSpanId.slice(0, 8) || "(root)"}`
    );
    assert.deepEqual(failures, [], `${failures.join("\n")}\nSpans recorded:\n${drawn.join("\n")}`);
  }
});

Deno.test("a request without a valid traceparent starts a new trace, and a valid one is continued", () => {
  const failures = entryFailures(lab);
  assert.deepEqual(failures, [], failures.join("\n"));
});
