/**
 * Tests for the vector-clocks lab. They run against solution.ts here and against starter.ts
 * in a workshop (`NETSPLIT_LAB_TARGET=starter`). The checks are in `checks.ts`; each property
 * failure prints the smallest execution fast-check found, as a message log, which invariant it
 * broke, and the `replay:` line.
 */
import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { VectorClockLab } from "./api.ts";
import { VECTOR_CHECKS } from "./checks.ts";

registerLabChecks(VECTOR_CHECKS, await loadLab<VectorClockLab>(import.meta.url));
