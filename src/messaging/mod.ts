/**
 * Messaging: a partitioned log (Kafka), a work queue (RabbitMQ), subject pub/sub (NATS core)
 * and a stream with acknowledgements (JetStream / Redis Streams), as pure state machines, with
 * kernel adapters for producers, consumers and brokers.
 *
 * @module
 */

export * from "./types.ts";
export * from "./log.ts";
export * from "./queue.ts";
export * from "./pubsub.ts";
export * from "./stream.ts";
export * from "./processes.ts";
