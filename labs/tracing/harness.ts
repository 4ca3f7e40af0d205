/**
 * The tracing lab's harness: a call chain `web → api → (auth, db) → cache` where each service
 * has its own tracer (its own id stream, one shared virtual clock). Headers cross each hop as
 * JSON text, as they would in a message, and each hop costs time, so spans nest in time.
 *
 * @module
 */

import { Random, type SpanRecord, Tracer } from "../../src/mod.ts";
import type { TracingLab } from "./api.ts";

/** Who calls whom. */
export const CHAIN: Readonly<Record<string, readonly string[]>> = {
  web: ["api"],
  api: ["auth", "db"],
  auth: [],
  db: ["cache"],
  cache: [],
};

/** What one request through the chain recorded. */
export interface ChainRun {
  spans: SpanRecord[];
  /** Every header set sent, per hop `from->to`, as it went over the wire. */
  wire: Record<string, string>;
}

/**
 * Sends one request into `web` (with `incoming` headers, e.g. none, or a malformed one) and
 * returns every span every service recorded.
 */
export function runChain(
  lab: TracingLab,
  options: { seed?: number; incoming?: Record<string, string> } = {},
): ChainRun {
  const clock = { now: 0 };
  const random = new Random(options.seed ?? 1);
  const tracers = new Map(
    Object.keys(CHAIN).map((
      s,
    ) => [s, new Tracer(s, { random: random.split(s), now: () => clock.now })]),
  );
  const wire: Record<string, string> = {};
  const serve = (service: string, headers: Record<string, string>) => {
    clock.now += 1; // the request travels
    const tracer = tracers.get(service)!;
    const span = lab.handleIn(tracer, `${service} handle`, headers);
    for (const to of CHAIN[service]) {
      clock.now += 1; // some work before the call
      const outgoing: Record<string, string> = {};
      const client = lab.callOut(tracer, span.context, to, outgoing);
      const text = JSON.stringify(outgoing);
      wire[`${service}->${to}`] = text;
      serve(to, JSON.parse(text));
      clock.now += 1; // the reply travels
      client.end();
    }
    clock.now += 1;
    span.end();
  };
  serve("web", options.incoming ?? {});
  return { spans: [...tracers.values()].flatMap((t) => t.finished), wire };
}
