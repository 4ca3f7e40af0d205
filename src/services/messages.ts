/**
 * Messages between simulated services: a call is a `Request` message, its answer a
 * `Response`. Services are processes on the kernel, so every call pays the network's latency,
 * loss and partitions (fallacies 1 and 2).
 *
 * @module
 */

/** Why a call did not succeed (or `ok`). */
export type CallReason =
  | "ok"
  | "error"
  | "timeout"
  | "overloaded"
  | "expired"
  | "open"
  | "bulkhead"
  | "budget"
  | "rate-limited"
  | "unauthorized"
  | "not-found";

/** Reasons after which a retry may help: the callee failed or did not answer in time. */
export const RETRYABLE_REASONS: readonly CallReason[] = ["error", "timeout", "overloaded"];

/** A call to a service. `id` names the attempt; a retry is a new attempt with a new id. */
export interface ServiceRequest {
  readonly type: "Request";
  readonly id: string;
  readonly route: string;
  /** Absolute time after which the caller no longer waits (deadline propagation). */
  readonly deadlineMs?: number;
  /** Caller identity, checked by a gateway. */
  readonly token?: string;
  /** Extra headers, e.g. a mesh's routing hints. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The answer to a {@linkcode ServiceRequest}. */
export interface ServiceResponse {
  readonly type: "Response";
  readonly id: string;
  readonly ok: boolean;
  readonly reason: CallReason;
  /** Parts gathered by an aggregating gateway. */
  readonly parts?: readonly string[];
}

/** Every message services exchange. */
export type ServiceMessage = ServiceRequest | ServiceResponse;
