/**
 * A tiny static file server for browser tests: serves a built site (`dist/`) on 127.0.0.1 at
 * a free port, as a plain file server does: no clean URLs (`/raft` is not `raft.html`).
 *
 * @module
 */

/** A running server; `close()` stops it. */
export interface StaticServer {
  /** Origin without a trailing slash, such as `http://127.0.0.1:41234`. */
  url: string;
  /** Stops the server and waits until it has shut down. */
  close(): Promise<void>;
}

/** Options for {@linkcode serveStatic}. */
export interface ServeOptions {
  /**
   * Extra files served at fixed URL paths, such as `{"/__test__/netsplit.js": "/abs/file.js"}`.
   * @default {}
   */
  files?: Record<string, string>;
}

const contentTypes: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  wasm: "application/wasm",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  map: "application/json",
};

/**
 * Returns the MIME type for a file name.
 *
 * @param path File name or path.
 * @returns The content type; `application/octet-stream` when unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(contentType("a/b.js"), "text/javascript; charset=utf-8");
 * ```
 */
export function contentType(path: string): string {
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return contentTypes[extension] ?? "application/octet-stream";
}

/**
 * Maps a URL path to the file a plain static server would send: the exact file, or
 * `<path>/index.html` for a folder. No clean URLs (`/raft` is not `raft.html`): the built site
 * must work from any static server, such as `python3 -m http.server`.
 *
 * @param root Site folder (no trailing slash).
 * @param pathname Decoded URL path, starting with `/`.
 * @returns Candidate absolute paths, or `[]` when the path tries to leave `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(candidateFiles("/s", "/raft.html"), ["/s/raft.html"]);
 * assert.deepEqual(candidateFiles("/s", "/raft"), ["/s/raft", "/s/raft/index.html"]);
 * assert.deepEqual(candidateFiles("/s", "/../etc/passwd"), []);
 * ```
 */
export function candidateFiles(root: string, pathname: string): string[] {
  if (pathname.split("/").includes("..")) return [];
  const base = `${root}${pathname}`;
  if (pathname.endsWith("/")) return [`${base}index.html`];
  // A name with an extension is a file; anything else may be a folder with an index.html.
  if (/\.[a-z0-9]+$/i.test(pathname)) return [base];
  return [base, `${base}/index.html`];
}

/**
 * Serves `root` on 127.0.0.1 at a free port.
 *
 * @param root Absolute path of the folder to serve.
 * @param options Extra files at fixed paths.
 * @returns The server's URL and a `close` function.
 *
 * @example
 * ```ts ignore
 * const server = serveStatic("/repo/dist");
 * await fetch(`${server.url}/`);
 * await server.close();
 * ```
 */
export function serveStatic(root: string, options: ServeOptions = {}): StaticServer {
  const files = options.files ?? {};
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const pathname = decodeURIComponent(new URL(request.url).pathname);
      const candidates = pathname in files ? [files[pathname]] : candidateFiles(root, pathname);
      for (const file of candidates) {
        try {
          const body = await Deno.readFile(file);
          return new Response(body, {
            headers: { "content-type": contentType(file), "cache-control": "no-store" },
          });
        } catch {
          // Not this candidate (missing, or a directory); try the next one.
        }
      }
      return new Response(`Not found: ${pathname}`, { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}
