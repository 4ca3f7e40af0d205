/**
 * Tests of the raft-election lab. They run against `solution.ts` here and against your
 * `starter.ts` with NETSPLIT_LAB_TARGET=starter (the default when there is no solution).
 * The checks themselves are in `checks.ts`.
 */

import { loadLab } from "../_lib/load.ts";
import { registerLabChecks } from "../_lib/checks.ts";
import type { VoteLab } from "./api.ts";
import { ELECTION_CHECKS } from "./checks.ts";

registerLabChecks(ELECTION_CHECKS, await loadLab<VoteLab>(import.meta.url));
