/**
 * Services on the kernel: simulated services with worker pools and synchronous dependencies,
 * callers with timeouts, retries, breakers and load balancing, an open-loop load client, an
 * API gateway and a service-mesh sidecar. Calls are messages.
 *
 * @module
 */

export * from "./messages.ts";
export * from "./load_balancer.ts";
export * from "./caller.ts";
export * from "./service.ts";
export * from "./client.ts";
export * from "./metrics.ts";
export * from "./gateway.ts";
export * from "./mesh.ts";
