#!/usr/bin/env node
// Runs a script under Node >= 22.18 (wrangler, miniflare and the vitest plugin
// need 22; 22.18 strips TypeScript types natively, so our .ts tooling runs
// without a loader). When the Node on PATH is older, a Node 22 binary is
// installed once from the npm registry (the node-<platform>-<arch> package)
// into node_modules/.toolchain and used instead, with its directory first on
// PATH so that every child process (wrangler, vitest workers) runs on it too.
//
//   node scripts/node22.mjs --ensure        provision only (npm postinstall)
//   node scripts/node22.mjs <file> [args]   run <file> under Node >= 22.18
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MIN = [22, 18];
const PINNED = "22";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const toolchain = join(root, "node_modules", ".toolchain");
const pkg = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
const bundledNode = join(toolchain, "node_modules", pkg, "bin", process.platform === "win32" ? "node.exe" : "node");

function isRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

function ensureNode() {
  if (isRecentEnough(process.version)) return process.execPath;
  if (existsSync(bundledNode)) return bundledNode;
  console.error(`[node22] Node ${process.version} is older than ${MIN.join(".")}; installing ${pkg}@${PINNED} into node_modules/.toolchain (once)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", toolchain, `${pkg}@${PINNED}`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0 || !existsSync(bundledNode)) {
    console.error(`[node22] could not install ${pkg}@${PINNED}. Install Node.js >= ${MIN.join(".")} yourself and run again.`);
    process.exit(1);
  }
  return bundledNode;
}

const node = ensureNode();
const args = process.argv.slice(2);
if (args[0] === "--ensure") process.exit(0);
if (args.length === 0) {
  console.error("usage: node scripts/node22.mjs <script> [args…]");
  process.exit(2);
}
const env = { ...process.env, PATH: `${dirname(node)}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}` };
const child = spawn(node, args, { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
