/**
 * Tests of the circuit-breaker lab. They run against `solution.ts` here and against your
 * `starter.ts` with NETSPLIT_LAB_TARGET=starter (the default when there is no solution). The
 * checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { CircuitBreakerLab } from "./api.ts";
import { CIRCUIT_BREAKER_CHECKS } from "./cases.ts";

registerLabChecks(CIRCUIT_BREAKER_CHECKS, await loadLab<CircuitBreakerLab>(import.meta.url));
