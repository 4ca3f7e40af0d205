/**
 * Transactions across services: sagas (orchestrated and choreographed) with a durable saga
 * log, the transactional outbox with a relay and an idempotent consumer, and two-phase commit
 * for contrast.
 *
 * @module
 */

export * from "./saga.ts";
export * from "./saga_rules.ts";
export * from "./saga_process.ts";
export * from "./choreography.ts";
export * from "./outbox.ts";
export * from "./two_phase_commit.ts";
