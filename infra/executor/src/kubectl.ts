import { spawn } from "node:child_process";

export interface KubectlRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** Output kept per stream: enough for an object's JSON or an error, bounded for memory. */
const MAX_OUTPUT = 1024 * 1024;

export type Kubectl = (args: readonly string[], timeoutMs: number) => Promise<KubectlRun>;

/**
 * Runs kubectl as a child process with an argv array — never through a shell,
 * so no argument is ever parsed as shell syntax. On timeout it is sent
 * SIGTERM, then SIGKILL two seconds later.
 */
export function kubectlAt(binary: string, context: string | undefined): Kubectl {
  return (args, timeoutMs) =>
    new Promise((resolve) => {
      const started = Date.now();
      const argv = context ? ["--context", context, ...args] : [...args];
      const child = spawn(binary, argv, { shell: false, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout.on("data", (chunk: Buffer) => {
        if (stdout.length < MAX_OUTPUT) stdout += chunk.toString("utf8");
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < MAX_OUTPUT) stderr += chunk.toString("utf8");
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
      }, timeoutMs);
      const finish = (exitCode: number | null, extra = "") => {
        clearTimeout(timer);
        resolve({ exitCode, stdout, stderr: stderr + extra, timedOut, durationMs: Date.now() - started });
      };
      child.on("error", (error) => finish(null, `could not run ${binary}: ${error.message}`));
      child.on("close", (code) => finish(code));
    });
}
