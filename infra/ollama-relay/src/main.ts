// The Ollama relay on the GPU host: `node infra/ollama-relay/src/main.ts`
// (Node ≥ 22.18), or the bundle built by `npm run relay:build`.
import { serve } from "@hono/node-server";
import { createLog } from "../../../shared/logging.ts";
import { loadRelayConfig } from "./config.ts";
import { relayServices } from "./services.ts";

const config = loadRelayConfig(process.env);
const log = createLog("ollama-relay", { timestamped: true });
const { runner, app } = relayServices(config, log);
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
  log("listening", { port: info.port, ollama: config.OLLAMA_URL, model: config.OLLAMA_MODEL, slots: config.RELAY_CONCURRENCY }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log("draining", { signal, ...runner.stats(), drainSeconds: config.RELAY_DRAIN_SECONDS });
  const finished = await runner.drain(config.RELAY_DRAIN_SECONDS * 1000);
  log("stopped", { finished, ...runner.stats() });
  server.close();
  process.exit(finished ? 0 : 1);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
