/**
 * Keeps Observable Framework off the network by seeding its npm cache from `node_modules`.
 *
 * Framework resolves `npm:` imports (including the ones its own Inputs and `html` helpers use)
 * by downloading from cdn.jsdelivr.net into `docs/.observablehq/cache/_npm/`. That CDN is not
 * reachable here, and a site must build offline anyway. Framework skips the download when the
 * cache already holds `<name>@<version>/_esm.js`, and resolves a bare `npm:name` to the highest
 * version in the cache, so writing browser bundles of the installed packages there is enough.
 *
 * @module
 */
import { repoRoot } from "./toolchain.ts";

/**
 * npm packages Framework's client fetches from the CDN for the features netsplit pages use:
 * `htl` (the `html`/`svg` helpers and Inputs) and `isoformat` (Inputs' date handling).
 * Pages must not use other implicit libraries (`d3`, `Plot`, ...): import packages by bare
 * name from node_modules instead.
 */
export const seededPackages: readonly string[] = ["htl", "isoformat"];

/** Framework's npm cache folder. */
export const npmCacheDir = `${repoRoot}/docs/.observablehq/cache/_npm`;

interface PackageJson {
  version: string;
  module?: string;
  main?: string;
  exports?: unknown;
}

/**
 * Finds the ES module entry of an installed package.
 *
 * @param name Package name, installed in `node_modules`.
 * @returns The version and the entry's absolute path.
 * @throws {Error} When the package is not installed or has no ES module entry.
 */
export function packageEntry(name: string): { version: string; entry: string } {
  const dir = `${repoRoot}/node_modules/${name}`;
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(Deno.readTextFileSync(`${dir}/package.json`));
  } catch {
    throw new Error(`Cannot seed Framework's npm cache: ${name} is not in node_modules`);
  }
  const exported = typeof pkg.exports === "object" && pkg.exports !== null
    ? (pkg.exports as Record<string, unknown>).default
    : undefined;
  const relative = pkg.module ?? (typeof exported === "string" ? exported : pkg.main);
  if (relative === undefined) {
    throw new Error(`Cannot seed Framework's npm cache: ${name} has no module entry`);
  }
  return { version: pkg.version, entry: `${dir}/${relative.replace(/^\.\//, "")}` };
}

/**
 * Writes a browser bundle of each package into Framework's npm cache, replacing any other
 * cached version (Framework would otherwise pick the highest and try to download it).
 *
 * @param packages Package names; defaults to {@linkcode seededPackages}.
 * @throws {Error} When a package is missing or `deno bundle` fails.
 *
 * @example
 * ```ts ignore
 * await seedNpmCache();
 * ```
 */
export async function seedNpmCache(packages: readonly string[] = seededPackages): Promise<void> {
  await Deno.mkdir(npmCacheDir, { recursive: true });
  await pinImplicitVersions();
  for (const name of packages) {
    const { version, entry } = packageEntry(name);
    const target = `${npmCacheDir}/${name}@${version}/_esm.js`;
    for await (const cached of Deno.readDir(npmCacheDir)) {
      if (cached.name.startsWith(`${name}@`) && cached.name !== `${name}@${version}`) {
        await Deno.remove(`${npmCacheDir}/${cached.name}`, { recursive: true });
      }
    }
    if (await exists(target)) continue;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform=browser", "--minify", "-o", target, entry],
      cwd: repoRoot,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(
        `Cannot seed Framework's npm cache: bundling ${name} failed\n${
          new TextDecoder().decode(stderr)
        }`,
      );
    }
  }
}

/**
 * Libraries that Framework's client bundle can load lazily (its implicit imports). Pages never
 * load them (the build rejects remote imports), but bundling the client still resolves their
 * versions, which asks registry.npmjs.org unless the cache already names a version. Empty
 * `name@version` folders pin them, so the build needs no network at all.
 */
export const pinnedImplicitVersions: readonly string[] = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3-dsv@3.0.2",
  "d3@7.9.2",
  "echarts@6.1.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react-dom@19.3.1",
  "react@19.3.1",
  "topojson-client@3.1.0",
];

async function pinImplicitVersions(): Promise<void> {
  for (const pinned of pinnedImplicitVersions) {
    const name = pinned.slice(0, pinned.lastIndexOf("@"));
    const scopeDir = name.includes("/") ? `${npmCacheDir}/${name.split("/")[0]}` : npmCacheDir;
    const base = name.includes("/") ? name.split("/")[1] : name;
    await Deno.mkdir(scopeDir, { recursive: true });
    let known = false;
    for await (const cached of Deno.readDir(scopeDir)) {
      if (cached.name.startsWith(`${base}@`)) known = true;
    }
    if (!known) await Deno.mkdir(`${npmCacheDir}/${pinned}`, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
