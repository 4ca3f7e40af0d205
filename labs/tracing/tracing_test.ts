/**
 * Tests for the tracing lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). One request goes through web → api → (auth, db) →
 * cache; the spans every service recorded must form one tree. The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { TracingLab } from "./api.ts";
import { TRACING_CHECKS } from "./cases.ts";

registerLabChecks(TRACING_CHECKS, await loadLab<TracingLab>(import.meta.url));
