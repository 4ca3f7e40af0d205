/**
 * The simulator's agenda: a binary min-heap ordered by (time, sequence).
 *
 * The sequence number breaks ties in insertion order, which is what makes two runs with the
 * same seed process simultaneous events identically.
 *
 * @module
 */

/** Anything that can sit in the queue. */
export interface Scheduled {
  /** Virtual (true) time in ms at which the event fires. */
  timeMs: number;
  /** Insertion order; assigned by the queue. */
  seq: number;
}

/**
 * A min-heap of scheduled items.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const q = new EventQueue<{ timeMs: number; seq: number; name: string }>();
 * q.push({ timeMs: 5, seq: 0, name: "late" });
 * q.push({ timeMs: 1, seq: 0, name: "early" });
 * if (q.pop()?.name !== "early") throw new Error("ordered by time");
 * ```
 */
export class EventQueue<T extends Scheduled> {
  #items: T[] = [];
  #nextSeq = 0;

  /** Number of queued items. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item, stamping its sequence number. */
  push(item: T): void {
    item.seq = this.#nextSeq++;
    const items = this.#items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      if (p.timeMs < item.timeMs || (p.timeMs === item.timeMs && p.seq < item.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** The earliest item without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right], items[left])) child = right;
      if (!before(items[child], last)) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
