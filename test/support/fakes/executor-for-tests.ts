// The real reference executor (infra/executor) in front of the fake kubectl
// executable, for tests inside workerd: classify asks it for plans. It runs
// in the global-setup process; kubectl is spawned as a real process.
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createExecutorApp } from "../../../infra/executor/src/app.ts";
import { loadExecutorConfig } from "../../../infra/executor/src/config.ts";
import { Journal } from "../../../infra/executor/src/journal.ts";
import { kubectlAt } from "../../../infra/executor/src/kubectl.ts";
import { ExecutionRunner } from "../../../infra/executor/src/runner.ts";

export const TEST_REFERENCE_EXECUTOR_SECRET = "test-reference-executor-secret-0123";
export const FAKE_KUBECTL = join(import.meta.dirname, "bin", "kubectl");

export async function startReferenceExecutor(namespaces = "production,staging,shop,web-staging") {
  const dir = mkdtempSync(join(tmpdir(), "awoooi-test-executor-"));
  process.env.FAKE_KUBECTL_LOG = join(dir, "kubectl.log");
  const config = loadExecutorConfig({
    EXECUTOR_SECRET: TEST_REFERENCE_EXECUTOR_SECRET,
    EXECUTOR_KUBECTL: FAKE_KUBECTL,
    EXECUTOR_NAMESPACES: namespaces,
    EXECUTOR_JOURNAL: join(dir, "journal.jsonl"),
    EXECUTOR_CALLBACK_ATTEMPTS: "1",
  });
  const journal = new Journal(config.EXECUTOR_JOURNAL);
  const kubectl = kubectlAt(config.EXECUTOR_KUBECTL, undefined);
  const runner = new ExecutionRunner(config, journal, kubectl, () => {});
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createExecutorApp(config, runner, journal, kubectl).fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    env: {
      TEST_REFERENCE_EXECUTOR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      TEST_REFERENCE_EXECUTOR_SECRET,
    },
    close: async () => {
      await runner.drain(2_000);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
