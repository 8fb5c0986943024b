// The real reference executor (infra/executor) in front of the fake kubectl
// executable, for tests inside workerd: classify asks it for plans. It runs
// in the global-setup process; kubectl is spawned as a real process.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExecutorConfig } from "../../../infra/executor/src/config.ts";
import { executorServices } from "../../../infra/executor/src/services.ts";
import { serveOnLoopback } from "../../../infra/local/serve-loopback.ts";

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
  const { runner, app } = executorServices(config, () => {});
  const server = await serveOnLoopback(app.fetch);
  return {
    env: {
      TEST_REFERENCE_EXECUTOR_URL: server.url,
      TEST_REFERENCE_EXECUTOR_SECRET,
    },
    close: async () => {
      await runner.drain(2_000);
      await server.close();
    },
  };
}
