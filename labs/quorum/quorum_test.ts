/**
 * Tests for the quorum lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { QuorumLab } from "./api.ts";
import { QUORUM_CHECKS } from "./cases.ts";

registerLabChecks(QUORUM_CHECKS, await loadLab<QuorumLab>(import.meta.url));
