/**
 * Delivery invariants for messaging: what a consumer's database shows against what the
 * producer meant to send. A message is *lost* when its effect never happened, *duplicated*
 * once for every extra time its effect happened, and *reordered* when its effect happened
 * after the effect of a later message with the same key (order per key is what a consumer
 * usually relies on: the balance of one account, the state of one order).
 *
 * The three guarantees, as checked here: at-most-once = no duplicates; at-least-once = no
 * losses; effectively-once = neither. Per-key order is checked separately, since a queue with
 * competing consumers gives up order by design.
 *
 * @module
 */

import type { AppliedEffect, MessagingRecord } from "../../messaging/mod.ts";

/** Loss, duplication and reordering counts of one run. */
export interface DeliveryCounts {
  /** Records the producer meant to send. */
  published: number;
  /** Effects that took place (with repeats). */
  applied: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

/** A delivery guarantee to check. */
export type DeliveryGuarantee = "at-most-once" | "at-least-once" | "effectively-once";

/**
 * Counts lost, duplicated and reordered messages.
 *
 * @param published Every record the producer meant to send, in send order.
 * @param applied The effects, in the order they took place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measureDelivery } from "./messaging.ts";
 * const records = [1, 2, 3].map((id) => ({ id, key: "k", value: id }));
 * const effect = (id: number) => ({ id, key: "k", consumer: "c1", atMs: 0 });
 * assert.deepEqual(measureDelivery(records, [effect(2), effect(1), effect(2)]), {
 *   published: 3, applied: 3, lost: 1, duplicated: 1, reordered: 1,
 * });
 * ```
 */
export function measureDelivery(
  published: readonly MessagingRecord[],
  applied: readonly AppliedEffect[],
): DeliveryCounts {
  const times = new Map<number, number>();
  const newestPerKey = new Map<string, number>();
  let reordered = 0;
  for (const effect of applied) {
    const seen = times.get(effect.id) ?? 0;
    times.set(effect.id, seen + 1);
    if (seen > 0) continue; // a repeat is a duplicate, not a reordering
    const newest = newestPerKey.get(effect.key) ?? -Infinity;
    if (effect.id < newest) reordered++;
    else newestPerKey.set(effect.key, effect.id);
  }
  let lost = 0;
  let duplicated = 0;
  for (const record of published) {
    const n = times.get(record.id) ?? 0;
    if (n === 0) lost++;
    else duplicated += n - 1;
  }
  return { published: published.length, applied: applied.length, lost, duplicated, reordered };
}

/**
 * The ways a run broke a guarantee (empty when it held).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliveryViolations } from "./messaging.ts";
 * const counts = { published: 10, applied: 10, lost: 1, duplicated: 1, reordered: 0 };
 * assert.deepEqual(deliveryViolations(counts, "at-least-once"), [
 *   "at-least-once broken: 1 of 10 messages lost",
 * ]);
 * assert.equal(deliveryViolations(counts, "effectively-once", { perKeyOrder: true }).length, 2);
 * ```
 */
export function deliveryViolations(
  counts: DeliveryCounts,
  guarantee: DeliveryGuarantee,
  options: { perKeyOrder?: boolean } = {},
): string[] {
  const out: string[] = [];
  if (guarantee !== "at-most-once" && counts.lost > 0) {
    out.push(`${guarantee} broken: ${counts.lost} of ${counts.published} messages lost`);
  }
  if (guarantee !== "at-least-once" && counts.duplicated > 0) {
    out.push(`${guarantee} broken: ${counts.duplicated} duplicate effects`);
  }
  if (options.perKeyOrder && counts.reordered > 0) {
    out.push(`per-key order broken: ${counts.reordered} messages applied after a later one`);
  }
  return out;
}
