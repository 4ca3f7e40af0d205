import assert from "node:assert/strict";
import { InvariantError } from "./assert.ts";
import { NodeClock } from "./clock.ts";
import { makeRuntime, MemoryStorage, runningProcess, startHost, stopHost } from "./host.ts";
import type { Host, HostState, RuntimeKernel, TimerEvent } from "./host.ts";
import { Random } from "./random.ts";
import { Trace } from "./trace.ts";
import type { Message, Process } from "./types.ts";

function host(
  onStart: () => void = () => {},
): { host: Host<Message, Process>; timers: TimerEvent[] } {
  const timers: TimerEvent[] = [];
  let nextTimerId = 1;
  const kernel: RuntimeKernel<Message> = {
    trace: new Trace("full"),
    history: [],
    now: () => 0,
    members: () => ["n1"],
    nextTimerId: () => nextTimerId++,
    schedule: (timer) => void timers.push(timer),
    send: () => {},
    forge: () => {},
  };
  const state: HostState<Message, Process> = {
    id: "n1",
    factory: () => ({ onStart, onMessage() {} }),
    process: null,
    up: false,
    member: true,
    incarnation: 0,
    clock: new NodeClock(),
    storage: new MemoryStorage(),
    random: new Random(1),
    config: {},
    processingMs: 0,
    busyUntilMs: 0,
    liveTimers: new Set(),
  };
  return { host: Object.assign(state, { runtime: makeRuntime(state, kernel) }), timers };
}

Deno.test("A started host runs a fresh process and a stopped one runs nothing", () => {
  let starts = 0;
  const { host: h } = host(() => starts++);
  const process = startHost(h, 0);
  assert.equal(runningProcess(h), process);
  assert.equal(starts, 1);
  stopHost(h);
  assert.throws(() => runningProcess(h), InvariantError);
  assert.throws(() => runningProcess(h), /a crashed node runs nothing/);
});

Deno.test("A host refuses to start twice without stopping in between", () => {
  const { host: h } = host();
  startHost(h, 0);
  assert.throws(() => startHost(h, 0), /a node starts only when stopped/);
});

Deno.test("A stopped host's leftover runtime sets no timers", () => {
  const { host: h, timers } = host();
  startHost(h, 0);
  h.runtime.setTimer(5, "tick");
  stopHost(h);
  h.runtime.setTimer(5, "tick");
  assert.equal(timers.length, 1);
  assert.equal(h.liveTimers.size, 0, "stopping forgets pending timers");
});
