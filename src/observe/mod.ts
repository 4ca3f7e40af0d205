/**
 * Observability: tracing in OpenTelemetry's model (W3C trace context, OTLP JSON export),
 * metrics (counters, gauges, exact and sketched histograms) and structured JSON logs carrying
 * trace ids.
 *
 * @module
 */

export * from "./tracing.ts";
export * from "./metrics.ts";
export * from "./logs.ts";
