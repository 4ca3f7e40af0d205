/**
 * Tests for the CRDT lab. They run against solution.ts here and against starter.ts in a
 * workshop (`NETSPLIT_LAB_TARGET=starter`). A failing property prints the smallest case
 * fast-check found and the `{seed, path}` that replays it. The checks are in `cases.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { CrdtLab } from "./api.ts";
import { CRDT_CHECKS } from "./cases.ts";

registerLabChecks(CRDT_CHECKS, await loadLab<CrdtLab>(import.meta.url));
