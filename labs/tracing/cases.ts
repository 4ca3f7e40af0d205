/**
 * The span-tree checks, shared by the lab test and the mutation test.
 *
 * @module
 */

import { parseTraceparent, spanTreeViolations } from "../../src/mod.ts";
import { failuresCheck, type LabCheck } from "../_lib/checks.ts";
import type { TracingLab } from "./api.ts";
import { CHAIN, runChain } from "./harness.ts";

/** What is wrong with the trace of one request through the chain (empty when nothing). */
export function chainFailures(lab: TracingLab, seed = 1): string[] {
  const { spans, wire } = runChain(lab, { seed });
  const out = spanTreeViolations(spans, { nested: true });
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (const [hop, text] of Object.entries(wire)) {
    const headers = JSON.parse(text) as Record<string, string>;
    if (parseTraceparent(headers.traceparent) === null) {
      out.push(`hop ${hop}: no valid traceparent header in ${text} (W3C: 00-<32 hex>-<16 hex>-01)`);
    }
  }
  for (const s of spans.filter((s) => s.kind === "server" && s.parentSpanId !== "")) {
    const parent = byId.get(s.parentSpanId);
    if (parent !== undefined && parent.kind !== "client") {
      out.push(
        `span "${s.name}": its parent is "${parent.name}" (${parent.kind}); a server span's parent ` +
          `should be the caller's client span`,
      );
    }
  }
  for (const [caller, callees] of Object.entries(CHAIN)) {
    for (const callee of callees) {
      const client = spans.find((s) =>
        s.service === caller && s.kind === "client" && s.name.includes(callee)
      );
      if (client === undefined) {
        out.push(`no client span in ${caller} for its call to ${callee}`);
        continue;
      }
      // OpenTelemetry's semantic conventions: the callee records a server span whose parent is
      // the caller's client span for that very call.
      const server = spans.find((s) => s.service === callee && s.kind === "server");
      if (server === undefined) out.push(`no server span in ${callee} (kind "server")`);
      else if (server.parentSpanId !== client.spanId) {
        out.push(
          `${callee}'s server span should be the child of ${caller}'s client span "${client.name}"`,
        );
      }
    }
  }
  if (!spans.some((s) => s.service === "web" && s.kind === "server")) {
    out.push(`no server span in web (kind "server")`);
  }
  const expected = Object.values(CHAIN).flat().length * 2 + 1;
  if (spans.length !== expected) out.push(`expected ${expected} spans, got ${spans.length}`);
  return [...new Set(out)];
}

/** What is wrong with how a request with bad or missing headers starts its trace. */
export function entryFailures(lab: TracingLab): string[] {
  const out: string[] = [];
  const entries: Record<string, string>[] = [
    {},
    { traceparent: "not-a-traceparent" },
    { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" },
  ];
  for (const incoming of entries) {
    let spans;
    try {
      spans = runChain(lab, { incoming }).spans;
    } catch (error) {
      out.push(`incoming headers ${JSON.stringify(incoming)}: threw ${(error as Error).message}`);
      continue;
    }
    const root = spans.find((s) => s.service === "web" && s.kind === "server");
    if (root?.parentSpanId !== "") {
      out.push(`incoming headers ${JSON.stringify(incoming)}: web's span should start a new trace`);
    }
  }
  const valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const spans = runChain(lab, { incoming: { traceparent: valid } }).spans;
  if (!spans.every((s) => s.traceId === "4bf92f3577b34da6a3ce929d0e0e4736")) {
    out.push(`an incoming traceparent ${valid} must be continued: every span in trace 4bf92f35…`);
  }
  return out;
}

/** The chain's failures for seeds 1–3, each with the spans recorded drawn as a table. */
export function chainFailuresDrawn(lab: TracingLab): string[] {
  for (const seed of [1, 2, 3]) {
    const failures = chainFailures(lab, seed);
    if (failures.length === 0) continue;
    const { spans } = runChain(lab, { seed });
    const drawn = spans.map((s) =>
      `  ${s.service.padEnd(6)} ${s.kind.padEnd(6)} ${s.name.padEnd(12)} trace ${
        s.traceId.slice(0, 8)
      } span ${s.spanId.slice(0, 8)} parent ${s.parentSpanId.slice(0, 8) || "(root)"}`
    );
    return [...failures, `Spans recorded (seed ${seed}):`, ...drawn];
  }
  return [];
}

/** The lab's checks, in the order they run. */
export const TRACING_CHECKS: readonly LabCheck<TracingLab>[] = [
  failuresCheck(
    "every hop carries a traceparent and the spans form one tree of server and client spans",
    chainFailuresDrawn,
  ),
  failuresCheck(
    "a request without a valid traceparent starts a new trace, and a valid one is continued",
    entryFailures,
  ),
];
