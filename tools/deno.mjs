#!/usr/bin/env node
// Runs Deno for the npm scripts (`npm run dev`, `npm test`) on a machine that has only Node:
// installs the npm packages when they are missing or stale, finds the Deno binary that the
// `deno` npm package ships (or a `deno` on PATH), and runs `deno <args>` with it first on PATH.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Under `npm run`/`npm test`, npm hands its settings on as npm_config_* variables; a nested
// `npm ci` reads an allow-scripts one as a command-line flag and refuses to install
// (EALLOWSCRIPTS), so it is dropped: the project's policy is package.json's "allowScripts".
const env = { ...process.env };
delete env.npm_config_allow_scripts;
const run = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", cwd: root, env, ...options }).status ?? 1;

const lock = join(root, "package-lock.json");
const stamp = join(root, "node_modules", ".package-lock.json");
const stale = !existsSync(stamp) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs);
if (stale) {
  console.error("netsplit: installing npm packages (npm ci)…");
  const status = run("npm", [existsSync(lock) ? "ci" : "install", "--no-audit", "--no-fund"]);
  if (status !== 0) process.exit(status);
}

const bundled = join(root, "node_modules", "deno", "deno");
const denoDir = existsSync(bundled) ? dirname(bundled) : null;
if (denoDir) env.PATH = `${denoDir}:${env.PATH ?? ""}`;
const status = run(denoDir ? bundled : "deno", process.argv.slice(2), { env });
process.exit(status);
