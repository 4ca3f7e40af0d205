/**
 * Time and order: physical clocks and their synchronisation, logical clocks (Lamport,
 * vector, version vectors, hybrid) and a TrueTime-style interval clock.
 *
 * @module
 */

export * from "./lamport.ts";
export * from "./vector_clock.ts";
export * from "./version_vector.ts";
export * from "./hlc.ts";
export * from "./true_time.ts";
export * from "./ntp.ts";
export * from "./cristian.ts";
export * from "./berkeley.ts";
export * from "./marzullo.ts";
export * from "./causality.ts";
export * from "./broken.ts";
export * from "./sync_protocols.ts";
export * from "./lww.ts";
