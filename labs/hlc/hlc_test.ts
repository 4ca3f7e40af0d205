/**
 * Tests for the HLC lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). The checks are in `checks.ts`: cases, then a
 * seeded property over executions on nodes whose clocks have different offsets and drift,
 * with random message delays; a failure prints the smallest such execution, with each event's
 * physical reading and HLC timestamp, and the `replay:` line.
 */
import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { HlcLab } from "./api.ts";
import { HLC_CHECKS } from "./checks.ts";

registerLabChecks(HLC_CHECKS, await loadLab<HlcLab>(import.meta.url));
