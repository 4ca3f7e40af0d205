/** How expensive rewinding is: re-simulating a recording from its seed to event k. */
import { PlayerModel, replayRecording } from "../../src/mod.ts";
import type { Recording } from "../../src/mod.ts";

const long: Recording = {
  scenario: "heartbeat",
  seed: 5,
  params: { nodes: 5, intervalMs: 20 },
  faults: [{ atMs: 500, kind: "crash", node: "n2" }],
  untilMs: 1_500,
};
const player = new PlayerModel(long);

Deno.bench(`player: record ${player.length} events (5 nodes, 1.5 s)`, () => {
  new PlayerModel(long);
});

Deno.bench("player: rewind to event 1000 by re-simulation", () => {
  replayRecording(long, { stopAfterEvents: 1_000 });
});

Deno.bench(`player: rewind to the last event (${player.length})`, () => {
  player.snapshot(player.length);
});

Deno.bench("player: fork at event 1000 and record the branch", () => {
  player.seek(1_000);
  player.fork([{ kind: "network", set: { lossProbability: 0.2 } }]);
});
