// The real Ollama relay in front of the fake Ollama, a fake Anthropic, and a
// callback catcher standing in for analyze's public callback URL (tests inside
// workerd have no URL of their own; they read the callback and replay it).

import { serveOnLoopback } from "../../../infra/local/serve-loopback.ts";
import { loadRelayConfig } from "../../../infra/ollama-relay/src/config.ts";
import { relayServices } from "../../../infra/ollama-relay/src/services.ts";
import { TEST_CLUSTER } from "../fixtures/cluster.ts";
import { startCallbackCatcher } from "./callback-catcher.ts";
import { startFakeAnthropic } from "./fake-anthropic.ts";
import { startFakeGemini } from "./fake-gemini.ts";
import { crashLoopingApp, startFakeKubernetes } from "./fake-kubernetes.ts";
import { startFakeOllama } from "./fake-ollama.ts";
import { startFakePrometheus } from "./fake-prometheus.ts";

export const TEST_RELAY_SECRET = "test-relay-hmac-secret-0123456789";

export async function startRelay() {
  const ollama = await startFakeOllama({ slowMs: 4_000 });
  const anthropic = await startFakeAnthropic();
  const gemini = await startFakeGemini();
  const catcher = await startCallbackCatcher();
  const cluster = await startFakeKubernetes();
  crashLoopingApp(cluster, { ...TEST_CLUSTER, revisionCreatedAt: new Date(Date.now() - 3 * 3_600_000) });
  const prometheus = await startFakePrometheus();
  prometheus.define(TEST_CLUSTER.expr, [{ labels: { namespace: TEST_CLUSTER.namespace, pod: TEST_CLUSTER.pod }, at: () => 0.2 }]);
  const config = loadRelayConfig({
    KUBECONFIG: cluster.kubeconfig,
    PROMETHEUS_URL: prometheus.url,
    OLLAMA_URL: ollama.url,
    RELAY_HMAC_SECRET: TEST_RELAY_SECRET,
    RELAY_CONCURRENCY: "8",
    RELAY_QUEUE_LIMIT: "64",
    RELAY_CALLBACK_BACKOFF_MS: "50",
    OLLAMA_RETRY_BACKOFF_MS: "50",
  });
  const { runner, app } = relayServices(config, () => {});
  const server = await serveOnLoopback(app.fetch);
  const relayUrl = server.url;
  return {
    /** Variables the analyze tests opt into (the defaults keep LLM providers off). */
    env: {
      TEST_FAKE_ANTHROPIC_URL: anthropic.url,
      TEST_FAKE_GEMINI_URL: gemini.url,
      TEST_RELAY_URL: relayUrl,
      TEST_RELAY_SECRET,
      TEST_CALLBACK_CATCHER_URL: catcher.url,
    },
    stop: async () => {
      await runner.drain(2_000);
      await server.close();
      await Promise.all([ollama.close(), anthropic.close(), gemini.close(), catcher.close(), cluster.close(), prometheus.close()]);
    },
  };
}
