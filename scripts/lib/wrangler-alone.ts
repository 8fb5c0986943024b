// One Worker in its own `wrangler dev`, so its own workerd whose CPU time is
// its own: what `npm run bench` measures functions with, one at a time or as a
// pipeline of separate sessions.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "./bench-load.ts";
import { cpuMeasurable, runtimeWorkerd } from "./process-cpu.ts";
import { ROOT } from "./stack.ts";

export interface AloneWorker {
  readonly url: string;
  /** The runtime workerd's pid (Linux), for its CPU time. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts `wrangler dev -c config` on `port` with `vars` (its DevTools inspector on `inspectorPort`, if given), and waits until `ready(url)` says so (60 s at most). */
export async function startAlone(
  config: string,
  port: number,
  vars: Readonly<Record<string, string>>,
  ready: (url: string) => Promise<boolean>,
  inspectorPort = 0,
): Promise<AloneWorker> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "-c",
      config,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      mkdtempSync(join(tmpdir(), "awoooi-bench-alone-")),
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: ROOT, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "" } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await Promise.race([new Promise((resolve) => child.once("exit", resolve)), sleep(5_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  for (let i = 0; ; i++) {
    if (await ready(url).catch(() => false)) break;
    if (child.exitCode !== null || i >= 300) {
      await stop();
      throw new Error(`wrangler dev -c ${config} did not become ready at ${url}`);
    }
    await sleep(200);
  }
  return { url, pid: child.pid !== undefined && cpuMeasurable() ? runtimeWorkerd(child.pid) : undefined, stop };
}

/**
 * A function's config with its Worker and queue names prefixed: local
 * `wrangler dev` sessions find each other's Workers and queues through the
 * dev registry, so sessions under one prefix form a pipeline of their own and
 * never feed (or steal from) another stack's consumers.
 */
export function prefixedConfig(name: string, prefix: string): string {
  const source = readFileSync(join(ROOT, `functions/${name}/wrangler.toml`), "utf8");
  const dir = mkdtempSync(join(tmpdir(), `awoooi-bench-${name}-`));
  const config = source
    .replace(/^main = "src\/index\.ts"$/m, `main = "${join(ROOT, `functions/${name}/src/index.ts`)}"`)
    .replace(/^name = "awoooi-/m, `name = "awoooi-${prefix}-`)
    .replaceAll(/queue = "awoooi-/g, `queue = "awoooi-${prefix}-`);
  writeFileSync(join(dir, "wrangler.toml"), config);
  return join(dir, "wrangler.toml");
}
