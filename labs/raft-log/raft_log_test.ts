/**
 * Tests of the raft-log lab. They run against `solution.ts` here and against your `starter.ts`
 * with NETSPLIT_LAB_TARGET=starter (the default when there is no solution). The checks
 * themselves are in `checks.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { LogLab } from "./api.ts";
import { LOG_CHECKS } from "./checks.ts";

registerLabChecks(LOG_CHECKS, await loadLab<LogLab>(import.meta.url));
