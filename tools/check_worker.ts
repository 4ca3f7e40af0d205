/**
 * A worker of `deno task check --workers=N` (tools/check.ts). It does one of two jobs, as the
 * first message says:
 * - `keys`: runs the key schedule of its share of one history's keys and posts each round's
 *   result (`{key, round, check}`) as it comes, then `{done: true}`. The main thread feeds
 *   the results to the history's own schedule in its order, so what it prints does not depend
 *   on which worker ran what, or when.
 * - `files`: checks whole files, taking the next one from a counter it shares with the main
 *   thread and the other workers, posting each outcome (`{file, outcome}`).
 *
 * @module
 */

import { KeySchedule, runKeySchedule } from "../src/check/linearizability/key_schedule.ts";
import type { Operation } from "../src/check/linearizability/history.ts";
import { checkOneFile, type FileOptions } from "./check.ts";

/** The first message of a `keys` job. */
export interface KeysJob {
  job: "keys";
  /** Per key index: its operations (only this worker's keys are set). */
  lists: Operation[][];
  keyCount: number;
  /** This worker's keys, ascending. */
  keys: number[];
  maxStates: number;
  checkAllKeys: boolean;
  prefix: boolean;
  prefixMaxStates: number;
}

/** The message of a `files` job. */
export interface FilesJob {
  job: "files";
  files: string[];
  options: FileOptions;
  /** One Int32: the index of the next file nobody has taken yet. */
  next: SharedArrayBuffer;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event: MessageEvent<KeysJob | FilesJob>) => {
  const message = event.data;
  if (message.job === "files") {
    // Files are taken from the shared counter, as the main thread does: no round trip
    // through it between files.
    const next = new Int32Array(message.next);
    for (let file = Atomics.add(next, 0, 1); file < message.files.length;) {
      scope.postMessage({ file, outcome: checkOneFile(message.files[file], message.options) });
      file = Atomics.add(next, 0, 1);
    }
    return;
  }
  const schedule = new KeySchedule(message.keyCount, {
    maxStates: message.maxStates,
    checkAllKeys: message.checkAllKeys,
    keys: message.keys,
  });
  runKeySchedule(message.lists, schedule, {
    maxStates: message.maxStates,
    prefix: message.prefix,
    prefixMaxStates: message.prefixMaxStates,
    onResult: (task, check) => scope.postMessage({ key: task.key, round: task.round, check }),
  });
  scope.postMessage({ done: true });
};
