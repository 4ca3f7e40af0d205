/**
 * Tests for the consistent-hashing lab. They run against solution.ts here and against
 * starter.ts in a workshop (`NETSPLIT_LAB_TARGET=starter`). The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { ConsistentHashingLab } from "./api.ts";
import { HASHING_CHECKS } from "./cases.ts";

registerLabChecks(HASHING_CHECKS, await loadLab<ConsistentHashingLab>(import.meta.url));
