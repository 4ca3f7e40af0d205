/**
 * Tests for the saga lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). First a table of saga logs and the move each must
 * lead to; then whole runs in the simulator — four sagas over inventory, payment and shipping,
 * with refusals and failing compensations — where the orchestrator is crashed at every moment
 * of the batch. A failure prints the smallest crash schedule that breaks your rule. The checks
 * are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { SagaLab } from "./api.ts";
import { SAGA_CHECKS } from "./cases.ts";

registerLabChecks(SAGA_CHECKS, await loadLab<SagaLab>(import.meta.url));
