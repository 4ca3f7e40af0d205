/**
 * A scripted client: sends requests at given times, so workloads are plain data that a
 * property search can generate and shrink.
 *
 * @module
 */

import type { NodeId, ProcessFactory } from "../../sim/mod.ts";
import type { MultiPaxosMessage } from "./multi_paxos.ts";
import type { PaxosMessage } from "./single_decree.ts";

/** One client request: at `atMs` (client's clock), ask node `to` to get `value` chosen. */
export interface PaxosClientRequest {
  readonly atMs: number;
  readonly to: NodeId;
  readonly value: string;
}

/**
 * A client that sends each request as a single-decree `Propose` or a Multi-Paxos `Request`,
 * and records every value it proposes (state key `proposed`), which the validity monitor reads.
 *
 * @example
 * ```ts
 * import { Simulation } from "../../sim/mod.ts";
 * import { paxosNode, type PaxosMessage } from "./single_decree.ts";
 * import { paxosClient } from "./client.ts";
 * const sim = new Simulation<PaxosMessage>({ seed: 3 });
 * for (const id of ["n1", "n2", "n3"]) sim.addNode(id, paxosNode({ acceptors: ["n1", "n2", "n3"] }));
 * sim.addNode("client", paxosClient([{ atMs: 5, to: "n1", value: "a" }], "Propose"));
 * sim.run({ untilMs: 100 });
 * ```
 */
export function paxosClient<M extends PaxosMessage | MultiPaxosMessage>(
  requests: readonly PaxosClientRequest[],
  as: "Propose" | "Request",
): ProcessFactory<M> {
  for (const r of requests) {
    if (!(r.atMs >= 0)) {
      throw new RangeError(`paxosClient request atMs must be >= 0, got ${r.atMs}`);
    }
  }
  return (rt) => ({
    onStart() {
      requests.forEach((request, i) => rt.setTimer(request.atMs, "client.send", i));
    },
    onMessage() {},
    onTimer(_tag: string, data: unknown) {
      const request = requests[data as number];
      rt.state("proposed", { value: request.value });
      const msg = as === "Propose"
        ? { type: "Propose", value: request.value }
        : { type: "Request", command: request.value };
      rt.send(request.to, msg as M);
    },
  });
}
