// The reference executor, next to the cluster: `node infra/executor/src/main.ts`
// (Node ≥ 22.18), or the bundle built by `npm run executor:build`.
import { serve } from "@hono/node-server";
import { createLog } from "../../../shared/logging.ts";
import { loadExecutorConfig } from "./config.ts";
import { executorServices } from "./services.ts";

const config = loadExecutorConfig(process.env);
const log = createLog("executor", { timestamped: true });
const { runner, app } = executorServices(config, log);
runner.recover();
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
  log("listening", { port: info.port, kubectl: config.EXECUTOR_KUBECTL, namespaces: [...config.EXECUTOR_NAMESPACES], slots: config.EXECUTOR_CONCURRENCY }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log("draining", { signal, ...runner.stats(), drainSeconds: config.EXECUTOR_DRAIN_SECONDS });
  const finished = await runner.drain(config.EXECUTOR_DRAIN_SECONDS * 1000);
  log("stopped", { finished, ...runner.stats() });
  server.close();
  process.exit(finished ? 0 : 1);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
