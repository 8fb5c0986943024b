// A local server speaking Ollama's HTTP API (`POST /api/chat`, `GET /api/tags`)
// so the real `ollama` client is exercised. It records what it received.

import { startJsonServer } from "./json-server.ts";
import { behaviourOf, fakeVerdict, lowRiskVerdict } from "./llm-behaviour.ts";

export interface FakeOllama {
  readonly url: string;
  readonly requests: Array<{ path: string; body: any }>;
  close(): Promise<void>;
}

export async function startFakeOllama(options: { slowMs?: number; models?: string[] } = {}): Promise<FakeOllama> {
  const requests: FakeOllama["requests"] = [];
  const flakyTries = new Map<string, number>();
  const server = await startJsonServer(async ({ method, path, body, send, hang }) => {
    requests.push({ path, body });
    if (method === "GET" && path === "/api/tags") {
      return send(200, {
        models: (options.models ?? ["llama3.2:latest"]).map((name) => ({
          name,
          model: name,
          modified_at: new Date().toISOString(),
          size: 1,
          digest: "sha256:0",
          details: {},
        })),
      });
    }
    if (method !== "POST" || path !== "/api/chat") return send(404, { error: "not found" });
    const answer = (content: string) =>
      send(200, {
        model: body.model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content },
        done: true,
        done_reason: "stop",
        total_duration: 1_000_000,
        prompt_eval_count: 200,
        eval_count: 10,
        eval_duration: 500_000,
      });
    const behaviour = behaviourOf((body.messages ?? []).map((m: { content: string }) => m.content).join("\n"));
    switch (behaviour) {
      case "ok":
        return answer(JSON.stringify(fakeVerdict("fake-ollama")));
      case "fenced":
        return answer(`Here you go:\n\`\`\`json\n${JSON.stringify(fakeVerdict("fake-ollama"))}\n\`\`\``);
      case "garbage":
        return answer("I am not sure what is going on.");
      case "invalid":
        return answer(JSON.stringify({ root_cause: "x", risk_level: "extreme" }));
      case "badop":
        return answer(
          JSON.stringify({ ...fakeVerdict("fake-ollama"), suggested_action: { operation: "DELETE_CLUSTER", command: "rm -rf /", description: "no" } }),
        );
      case "error500":
        return send(500, { error: "model runner crashed" });
      case "flaky": {
        // Ollama loading the model: the first two tries of each prompt are refused, the third is answered.
        const key = (body.messages ?? []).map((m: { content: string }) => m.content).join("\n");
        const tries = (flakyTries.get(key) ?? 0) + 1;
        flakyTries.set(key, tries);
        return tries <= 2 ? send(503, { error: "server busy, please try again" }) : answer(JSON.stringify(fakeVerdict("fake-ollama")));
      }
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 3_000));
        return answer(JSON.stringify(fakeVerdict("fake-ollama")));
      case "hang":
        return hang();
      case "podfix":
      case "scalefix":
        return answer(JSON.stringify(lowRiskVerdict("fake-ollama", behaviour)));
    }
  });
  return { url: server.url, requests, close: server.close };
}
