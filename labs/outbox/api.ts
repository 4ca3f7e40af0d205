/**
 * What the outbox lab asks you to implement (see README.md).
 *
 * @module
 */

import type {
  OutboxConsumerDatabase,
  OutboxOrderDatabase,
  OutboxRow,
} from "../../src/transactions/mod.ts";

export type { OutboxConsumerDatabase, OutboxOrderDatabase, OutboxRow };

/** An event as the consumer receives it. */
export interface OutboxEvent {
  eventId: string;
  orderId: string;
}

/** Your implementation: the relay's two decisions and the consumer's handler. */
export interface OutboxLab {
  /** One relay poll: the rows to publish now, and the database to write before publishing. */
  poll(db: OutboxOrderDatabase): { publish: OutboxRow[]; db: OutboxOrderDatabase };
  /** The consumer acknowledged `eventId`: the database to write. */
  ack(db: OutboxOrderDatabase, eventId: string): OutboxOrderDatabase;
  /** One delivery at the consumer: the database to write and whether the effect was applied. */
  consume(db: OutboxConsumerDatabase, event: OutboxEvent): {
    db: OutboxConsumerDatabase;
    applied: boolean;
  };
}
