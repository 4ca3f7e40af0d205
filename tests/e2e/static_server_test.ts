import assert from "node:assert/strict";
import { serveStatic } from "./static_server.ts";

Deno.test("serveStatic serves files as a plain server does (no clean URLs), extra files and 404s, and never leaves its root", async () => {
  const root = await Deno.makeTempDir({ prefix: "netsplit-static-" });
  const extra = await Deno.makeTempFile({ suffix: ".js" });
  await Deno.writeTextFile(`${root}/index.html`, "home");
  await Deno.mkdir(`${root}/consensus`);
  await Deno.writeTextFile(`${root}/consensus/raft.html`, "raft");
  await Deno.writeTextFile(extra, "export const x = 1;");
  const server = serveStatic(root, { files: { "/__test__/x.js": extra } });
  try {
    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}`);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        body: await response.text(),
      };
    };
    assert.deepEqual(await get("/"), {
      status: 200,
      type: "text/html; charset=utf-8",
      body: "home",
    });
    // Like python3 -m http.server: /consensus/raft is not consensus/raft.html.
    assert.equal((await get("/consensus/raft")).status, 404);
    assert.equal((await get("/consensus/raft.html")).body, "raft");
    assert.equal((await get("/__test__/x.js")).type, "text/javascript; charset=utf-8");
    assert.equal((await get("/missing")).status, 404);
    assert.equal((await get("/%2e%2e/etc/passwd")).status, 404);
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(extra);
  }
});
