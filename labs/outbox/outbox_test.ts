/**
 * Tests for the outbox lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`): unit cases, then twelve orders through the service,
 * your relay and your consumer in the simulator, with 5 % message loss and the service or the
 * consumer crashed at every moment of the burst. A failure prints the smallest such schedule.
 * The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { OutboxLab } from "./api.ts";
import { OUTBOX_CHECKS } from "./cases.ts";

registerLabChecks(OUTBOX_CHECKS, await loadLab<OutboxLab>(import.meta.url));
