/**
 * Tests for the PBFT quorums lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). The checks are in `checks.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { PbftQuorumsLab } from "./api.ts";
import { PBFT_CHECKS } from "./checks.ts";

registerLabChecks(PBFT_CHECKS, await loadLab<PbftQuorumsLab>(import.meta.url));
