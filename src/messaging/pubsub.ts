/**
 * Subject-based publish/subscribe in the model of NATS core, as a pure state machine:
 * subscribers register interest in a subject pattern (`*` matches one token, `>` the rest),
 * each message goes to every plain subscriber and to one member of each queue group, and
 * nothing is stored or acknowledged: a subscriber that is down, slow to be noticed or cut off
 * misses the message for good (at-most-once, "fire and forget").
 *
 * Source: the NATS documentation, "Subject-Based Messaging", "Queue Groups" and the core
 * delivery guarantee ("at most once"). Guarantees: order per publisher to each subscriber when
 * the network keeps order. Non-goals: request/reply, persistence (see `stream.ts`).
 *
 * @module
 */

import type { NodeId } from "../sim/mod.ts";
import type { Broker, MessagingMessage, MessagingOutgoing } from "./types.ts";
import { checkMessagingOption } from "./types.ts";

/**
 * Whether a NATS subject matches a subscription pattern.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subjectMatches } from "./pubsub.ts";
 * assert.ok(subjectMatches("orders.*", "orders.created"));
 * assert.ok(subjectMatches("orders.>", "orders.eu.created"));
 * assert.ok(!subjectMatches("orders.*", "orders.eu.created"));
 * ```
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Options of {@linkcode SubjectPubSub}. */
export interface SubjectPubSubOptions {
  /** A subscriber silent for this long is dropped (NATS pings the client; two missed pongs). @default 300 */
  subscriberTimeoutMs?: number;
}

interface Subscription {
  readonly subject: string;
  /** Queue group name, or "" for a plain subscriber. */
  readonly queue: string;
  lastSeenMs: number;
}

/**
 * A NATS-style server: fire-and-forget fan-out, with queue groups for load balancing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SubjectPubSub } from "./pubsub.ts";
 * const nats = new SubjectPubSub();
 * nats.step("a", { type: "Poll", group: "", max: 1, join: true, subject: "orders.>" }, 0);
 * nats.step("b", { type: "Poll", group: "workers", max: 1, join: true, subject: "orders.*" }, 0);
 * nats.step("c", { type: "Poll", group: "workers", max: 1, join: true, subject: "orders.*" }, 0);
 * const out = nats.step("p", { type: "Publish", producerId: "p", seq: 1, subject: "orders.created",
 *   record: { id: 1, key: "k", value: 1 } }, 1);
 * // Every plain subscriber and one member of the queue group; no acknowledgement to "p".
 * assert.deepEqual(out.map((o) => o.to), ["a", "b"]);
 * ```
 */
export class SubjectPubSub implements Broker {
  readonly system = "pubsub" as const;
  readonly subscriberTimeoutMs: number;
  #subs = new Map<NodeId, Subscription>();
  #nextInGroup = new Map<string, number>();

  constructor(options: SubjectPubSubOptions = {}) {
    this.subscriberTimeoutMs = options.subscriberTimeoutMs ?? 300;
    checkMessagingOption("SubjectPubSub", "subscriberTimeoutMs", this.subscriberTimeoutMs, 1);
  }

  step(from: NodeId, msg: MessagingMessage, nowMs: number): MessagingOutgoing[] {
    switch (msg.type) {
      case "Poll": {
        // A poll stands for the client's subscription plus its PING/PONG keep-alive.
        this.#subs.set(from, { subject: msg.subject ?? ">", queue: msg.group, lastSeenMs: nowMs });
        return [];
      }
      case "Publish":
        return this.#route(msg.subject ?? "orders.created", msg);
      case "Settle":
      case "Nack":
      case "PublishAck":
      case "Deliver":
        return []; // core NATS has no acknowledgements
      default: {
        const unknown: never = msg;
        throw new RangeError(`SubjectPubSub: unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  tick(nowMs: number): MessagingOutgoing[] {
    for (const [id, sub] of [...this.#subs]) {
      if (nowMs - sub.lastSeenMs > this.subscriberTimeoutMs) this.#subs.delete(id);
    }
    return [];
  }

  #route(
    subject: string,
    msg: Extract<MessagingMessage, { type: "Publish" }>,
  ): MessagingOutgoing[] {
    const targets: NodeId[] = [];
    const groups = new Map<string, NodeId[]>();
    for (const [id, sub] of [...this.#subs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!subjectMatches(sub.subject, subject)) continue;
      if (sub.queue === "") targets.push(id);
      else groups.set(sub.queue, [...(groups.get(sub.queue) ?? []), id]);
    }
    // Each queue group gets one copy; members take turns (the server picks one at random; turns
    // keep runs easy to read and are just as unordered across members).
    for (const [queue, members] of groups) {
      const turn = this.#nextInGroup.get(queue) ?? 0;
      this.#nextInGroup.set(queue, turn + 1);
      targets.push(members[turn % members.length]);
    }
    return targets.map((to) => ({
      to,
      msg: {
        type: "Deliver",
        generation: 0,
        partitions: [],
        deliveries: [{ record: msg.record, ref: { kind: "none" }, deliveryCount: 1 }],
      },
    }));
  }
}
