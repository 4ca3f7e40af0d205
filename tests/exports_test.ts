/**
 * `src/mod.ts` re-exports every folder with `export *`. Two folders exporting the same name
 * make that name ambiguous, and JavaScript then silently drops it from the public API; this
 * test names any such clash, so a new pattern folder cannot hide another's export.
 */
import assert from "node:assert/strict";

Deno.test("every export of every src/ folder reaches src/mod.ts under a unique name", async () => {
  const api = await import("../src/mod.ts");
  const srcUrl = new URL("../src/", import.meta.url);
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for await (const entry of Deno.readDir(srcUrl)) {
    if (!entry.isDirectory) continue;
    let folder: Record<string, unknown>;
    try {
      folder = await import(new URL(`./${entry.name}/mod.ts`, srcUrl).href);
    } catch {
      continue; // a folder without mod.ts is not part of the public API
    }
    for (const [name, value] of Object.entries(folder)) {
      const owner = owners.get(name);
      if (owner !== undefined && (api as Record<string, unknown>)[name] !== value) {
        problems.push(`${name} is exported by both ${owner}/ and ${entry.name}/`);
      }
      owners.set(name, entry.name);
      if (!(name in api)) problems.push(`${entry.name}/ exports ${name}, missing from src/mod.ts`);
    }
  }
  assert.deepEqual(problems, []);
});
