/**
 * Resilience patterns: circuit breaker, bulkhead, timeouts with deadlines, retry backoff with
 * jitter, retry budgets, token-bucket rate limiting and idempotency keys. All pure: time and
 * randomness come from the caller (the kernel's clock and Random).
 *
 * @module
 */

export * from "./circuit_breaker.ts";
export * from "./backoff.ts";
export * from "./retry_budget.ts";
export * from "./token_bucket.ts";
export * from "./bulkhead.ts";
export * from "./idempotency.ts";
export * from "./timeout.ts";
