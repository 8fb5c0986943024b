// A local server speaking Ollama's HTTP API (`POST /api/chat`, `GET /api/tags`)
// so the real `ollama` client is exercised. It records what it received.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { behaviourOf, fakeVerdict } from "./llm-behaviour.ts";

export interface FakeOllama {
  readonly url: string;
  readonly requests: Array<{ path: string; body: any }>;
  close(): Promise<void>;
}

export async function startFakeOllama(options: { slowMs?: number; models?: string[] } = {}): Promise<FakeOllama> {
  const requests: FakeOllama["requests"] = [];
  const hanging = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const body = req.method === "POST" ? JSON.parse((await read(req)) || "{}") : undefined;
    requests.push({ path: req.url ?? "", body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (req.method === "GET" && req.url === "/api/tags") {
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
    if (req.method !== "POST" || req.url !== "/api/chat") return send(404, { error: "not found" });
    const prompt = (body.messages ?? []).map((m: { content: string }) => m.content).join("\n");
    const behaviour = behaviourOf(prompt);
    const answer = (content: string) =>
      send(200, {
        model: body.model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content },
        done: true,
        done_reason: "stop",
        total_duration: 1_000_000,
        eval_count: 10,
        eval_duration: 500_000,
      });
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
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 3_000));
        return answer(JSON.stringify(fakeVerdict("fake-ollama")));
      case "hang":
        await new Promise<void>((resolve) => {
          hanging.add(resolve);
          req.on("close", resolve);
        });
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
