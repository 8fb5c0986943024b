// Brings up the whole bundle locally: real Redis and Postgres (see
// infra/local/backing-services.ts), then `wrangler dev` with the dev gateway as
// primary Worker and the five functions as auxiliary Workers, sharing local
// queues. Used by `npm run dev` and by the end-to-end tests.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type BackingServices, startBackingServices } from "../../infra/local/backing-services.ts";
import { serveOnLoopback } from "../../infra/local/serve-loopback.ts";
import { loadRelayConfig } from "../../infra/ollama-relay/src/config.ts";
import { relayServices } from "../../infra/ollama-relay/src/services.ts";
import { FUNCTIONS, GATEWAY } from "../workers.ts";
import { DEV_DEFAULTS, DEV_RELAY_SECRET, PASS_THROUGH } from "./dev-defaults.ts";
import { startDevExecutor } from "./dev-executor.ts";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface StackOptions {
  readonly port: number;
  readonly purpose: "dev" | "test";
  /** Redis logical database for this stack (flushed on start); see infra/local/backing-services.ts. */
  readonly redisDb?: number;
  /** Where wrangler keeps local queue/cache state. */
  readonly persistTo: string;
  /** Extra variables for every function (tests use this to override defaults). */
  readonly vars?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
  /** Receives wrangler's output lines (the functions' console output included). */
  readonly onOutput?: (line: string) => void;
  /** An Ollama to analyze with: starts the relay in front of it and wires analyze to it. */
  readonly ollamaUrl?: string | undefined;
  /**
   * A kubectl for the reference executor (`EXECUTOR_KUBECTL`): starts
   * infra/executor as a process acting in `EXECUTOR_NAMESPACES` (default: the
   * AUTO_APPROVE_NAMESPACES, else `default`) and wires classify and approve to it.
   */
  readonly executorKubectl?: string | undefined;
  /** Extra environment for the relay (e.g. KUBECONFIG and PROMETHEUS_URL for cluster context); the dev stack's relay also reads the shell's. */
  readonly relayEnv?: Readonly<Record<string, string>>;
  /** Extra environment for the executor process. */
  readonly executorEnv?: Readonly<Record<string, string>>;
  /**
   * Refuse to start unless every function is ready (its configuration parses,
   * its Redis, Postgres and queues answer). Default true; a test of a broken
   * chain turns it off.
   */
  readonly requireReady?: boolean;
}

/** The stack came up but a function is not ready; `message` is one line naming the function and the reason. */
export class StackNotReadyError extends Error {}

export interface Stack {
  readonly baseUrl: string;
  readonly services: BackingServices;
  readonly vars: Readonly<Record<string, string>>;
  /** Runs every function's cron work now (the dev stack also does it once a minute). */
  runCrons(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const services = await startBackingServices({ purpose: options.purpose, log, ...(options.redisDb !== undefined ? { redisDb: options.redisDb } : {}) });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const fromShell =
    options.purpose === "dev" ? Object.fromEntries(PASS_THROUGH.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []))) : {};
  const relay = options.ollamaUrl ? await startDevRelay(options.ollamaUrl, options.relayEnv ?? {}, log) : undefined;
  const configured: Record<string, string> = { ...DEV_DEFAULTS, ...fromShell, ...options.vars };
  const executor = options.executorKubectl
    ? await startDevExecutor({
        root: ROOT,
        kubectl: options.executorKubectl,
        namespaces: process.env.EXECUTOR_NAMESPACES ?? (configured.AUTO_APPROVE_NAMESPACES || "default"),
        journal: join(options.persistTo, "executor-journal.jsonl"),
        secret: configured.EXECUTOR_SECRET,
        ...(options.executorEnv ? { env: options.executorEnv } : {}),
        log,
      }).catch(async (error) => {
        await relay?.stop();
        await services.stop();
        throw error;
      })
    : undefined;
  const vars: Record<string, string> = {
    ...DEV_DEFAULTS,
    PUBLIC_BASE_URL: baseUrl,
    ...services.env,
    ...relay?.vars,
    ...executor?.vars,
    ...fromShell,
    // Tests count the messages they cause; a digest is sent only when a test asks for one.
    ...(options.purpose === "test" ? { DIGEST_AT: "off" } : {}),
    ...options.vars,
    ...(executor ? { EXECUTOR_URL: executor.vars.EXECUTOR_URL! } : {}),
  };

  // Each function runs from a generated copy of its config with the variables
  // appended as [vars], so nothing is written into the source tree and two
  // stacks (dev and an end-to-end test) can run side by side.
  const configDir = join(options.persistTo, "configs");
  mkdirSync(configDir, { recursive: true });
  const configs = FUNCTIONS.map((fn) => writeConfigWithVars(fn.config, join(configDir, `${fn.name}.toml`), vars));

  const args = [
    join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "-c",
    join(ROOT, GATEWAY.config),
    ...configs.flatMap((config) => ["-c", config]),
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--inspector-port",
    "0",
    "--persist-to",
    options.persistTo,
    "--show-interactive-dev-session=false",
    "--log-level",
    "log",
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const output: string[] = [];
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > 400) output.shift();
    options.onOutput?.(line);
  };
  pipeLines(child.stdout!, onLine);
  pipeLines(child.stderr!, onLine);

  let cronTimer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (cronTimer) clearInterval(cronTimer);
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await Promise.race([new Promise((resolve) => child.once("exit", resolve)), sleep(5_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await relay?.stop();
    await executor?.stop();
    await services.stop();
  };

  try {
    await waitUntilHealthy(baseUrl, child, 120_000);
    if (options.requireReady !== false) await requireReady(baseUrl);
  } catch (error) {
    if (error instanceof StackNotReadyError) {
      await stop();
      throw error;
    }
    await stop();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${output.join("\n")}`);
  }
  // wrangler dev fires no cron triggers; in dev the gateway runs them once a minute.
  if (options.purpose === "dev") {
    cronTimer = setInterval(() => {
      runCrons(baseUrl).catch((error) => log(`cron      ${(error as Error).message}`));
    }, 60_000);
    cronTimer.unref();
  }
  return { baseUrl, services, vars, stop, runCrons: () => runCrons(baseUrl) };
}

/** Runs the functions' cron work (sweeps, parked-alert drain) through the gateway, as the platform's triggers would. */
async function runCrons(baseUrl: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/__dev/cron`, { method: "POST", signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`cron run answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Asks the gateway's /ready (every function's own) and refuses with the first failure, in one line. */
async function requireReady(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(30_000) });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { failed?: string; error?: { message?: string } };
  throw new StackNotReadyError(`not starting: ${body.error?.message ?? body.failed ?? `/ready answered ${response.status}`}`);
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        const body = (await response.json()) as { functions?: Record<string, boolean> };
        if (body.functions && Object.values(body.functions).every(Boolean)) return;
      }
    } catch {
      // not up yet
    }
    await sleep(300);
  }
  throw new Error(`the local stack did not become healthy at ${baseUrl} within ${timeoutMs / 1000}s`);
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
}

/** The Ollama relay, in this process, in front of the given Ollama. */
async function startDevRelay(ollamaUrl: string, env: Readonly<Record<string, string>>, log: (line: string) => void) {
  const config = loadRelayConfig({ ...process.env, ...env, OLLAMA_URL: ollamaUrl, RELAY_HMAC_SECRET: process.env.RELAY_HMAC_SECRET ?? DEV_RELAY_SECRET });
  const { runner, app } = relayServices(config, (event) => log(`relay     ${JSON.stringify(event)}`));
  const server = await serveOnLoopback(app.fetch);
  const url = server.url;
  log(`relay     ${url} → Ollama ${ollamaUrl} (model ${config.OLLAMA_MODEL})`);
  log(
    `relay     cluster context: Kubernetes ${config.KUBECONFIG ? `from ${config.KUBECONFIG}` : "from ~/.kube/config or in-cluster, if any"}, Prometheus ${config.PROMETHEUS_URL ?? "not set (PROMETHEUS_URL)"}`,
  );
  return {
    vars: { OLLAMA_RELAY_URL: url, RELAY_HMAC_SECRET: config.RELAY_HMAC_SECRET },
    stop: async () => {
      await runner.drain(1_000);
      await server.close();
    },
  };
}

/** Copies a function's wrangler.toml with an absolute `main` and the given variables as [vars]. */
function writeConfigWithVars(config: string, target: string, vars: Readonly<Record<string, string>>): string {
  const source = readFileSync(join(ROOT, config), "utf8");
  if (/^\[vars\]/m.test(source)) throw new Error(`${config} defines [vars]; the dev stack expects variables only from the environment`);
  const main = join(ROOT, dirname(config), /^main\s*=\s*"([^"]+)"/m.exec(source)?.[1] ?? "src/index.ts");
  const withMain = source.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(main)}`);
  const table = Object.entries(vars)
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
    .join("\n");
  writeFileSync(target, `# Generated from ${config} by scripts/lib/stack.ts; do not edit.\n${withMain}\n[vars]\n${table}\n`);
  return target;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
