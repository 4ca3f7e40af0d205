/**
 * The simulation player: recordings as data, scenarios the player can rebuild, and the
 * model behind `docs/components/player.js` (play, step, rewind by re-simulation, fork).
 *
 * @module
 */

export * from "./recording.ts";
export * from "./scenarios.ts";
export * from "./player_model.ts";
export * from "./fault_verbs.ts";
