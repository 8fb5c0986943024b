// The reference executor (infra/executor) as a real Node process for the local
// stack, started when EXECUTOR_KUBECTL names a kubectl to run.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../infra/local/backing-services.ts";

/** Signs plans, hand-offs and results between the functions and the executor the dev stack starts. */
export const DEV_EXECUTOR_SECRET = "dev-executor-hmac-secret-0123456789";

export interface DevExecutor {
  /** What classify and approve need to reach it. */
  readonly vars: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startDevExecutor(options: {
  root: string;
  kubectl: string;
  namespaces: string;
  journal: string;
  secret?: string | undefined;
  /** Extra environment for the process (tests point the fake kubectl's log here). */
  env?: Readonly<Record<string, string>>;
  log: (line: string) => void;
}): Promise<DevExecutor> {
  const port = await freePort();
  const secret = options.secret ?? DEV_EXECUTOR_SECRET;
  const child: ChildProcess = spawn(process.execPath, [join(options.root, "infra/executor/src/main.ts")], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      EXECUTOR_SECRET: secret,
      EXECUTOR_KUBECTL: options.kubectl,
      EXECUTOR_NAMESPACES: options.namespaces,
      EXECUTOR_JOURNAL: options.journal,
    },
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        lines.push(line);
        options.log(`executor  ${line}`);
        if (line.includes('"listening"')) resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the executor exited with code ${code}: ${lines.slice(-5).join(" | ")}`)));
  });
  return {
    vars: { EXECUTOR_URL: `http://127.0.0.1:${port}`, EXECUTOR_SECRET: secret },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([new Promise((resolve) => child.once("exit", resolve)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
