/**
 * A worker of `deno task check --workers=N` (tools/check.ts). It does one of two jobs, as the
 * first message says:
 * - `keys`: runs the key schedule of its share of one history's keys and posts each round's
 *   result (`{key, round, check}`) as it comes, then `{done: true}`. The main thread feeds
 *   the results to the history's own schedule in its order, so what it prints does not depend
 *   on which worker ran what, or when.
 * - `files`: checks whole files, one per message `{file: index}`, posting each outcome.
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

/** The first message of a `files` job; then `{file: index}` per file to check. */
export interface FilesJob {
  job: "files";
  files: string[];
  options: FileOptions;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

let files: FilesJob | undefined;
scope.onmessage = (event: MessageEvent<KeysJob | FilesJob | { file: number }>) => {
  const message = event.data;
  if ("file" in message) {
    if (files === undefined) throw new Error("check_worker: a file before the files job");
    scope.postMessage({
      file: message.file,
      outcome: checkOneFile(files.files[message.file], files.options),
    });
    return;
  }
  if (message.job === "files") {
    files = message;
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
