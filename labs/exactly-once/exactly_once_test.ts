/**
 * Tests for the exactly-once lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). The consumer is crashed at every step it passes —
 * inside each transaction, before each transaction commits, and between `handle` and the offset
 * commit — and restarted from the committed offset; the balances must come out right every time.
 * The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { ExactlyOnceLab } from "./api.ts";
import { EXACTLY_ONCE_CHECKS } from "./cases.ts";

registerLabChecks(EXACTLY_ONCE_CHECKS, await loadLab<ExactlyOnceLab>(import.meta.url));
