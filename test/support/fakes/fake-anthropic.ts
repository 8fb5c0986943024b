// A local server speaking the Anthropic Messages API (`POST /v1/messages`) so
// the real `@anthropic-ai/sdk` client is exercised. It records what it received.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { behaviourOf, fakeVerdict } from "./llm-behaviour.ts";

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: Array<{ headers: Record<string, unknown>; body: any }>;
  close(): Promise<void>;
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: FakeAnthropic["requests"] = [];
  const hanging = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const body = JSON.parse((await read(req)) || "{}");
    requests.push({ headers: req.headers, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", "request-id": `req_${requests.length}`, ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || req.url !== "/v1/messages") return send(404, { type: "error", error: { type: "not_found_error", message: "not found" } });
    // SDK 0.x sends X-Api-Key; SDK 1.x sends the key as a bearer token.
    if (!req.headers["x-api-key"] && !/^Bearer \S+/.test(String(req.headers.authorization ?? ""))) {
      return send(401, { type: "error", error: { type: "authentication_error", message: "x-api-key header is required" } });
    }
    const prompt = JSON.stringify(body.messages ?? []);
    const message = (content: unknown[], stop_reason = "tool_use") =>
      send(200, {
        id: `msg_${requests.length}`,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason,
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 50 },
      });
    const toolUse = (input: unknown) =>
      message([{ type: "tool_use", id: `toolu_${requests.length}`, name: body.tool_choice?.name ?? "record_verdict", input }]);
    switch (behaviourOf(prompt)) {
      case "ok":
      case "slow":
        return toolUse(fakeVerdict("fake-anthropic"));
      case "fenced":
        return message([{ type: "text", text: `\`\`\`json\n${JSON.stringify(fakeVerdict("fake-anthropic"))}\n\`\`\`` }], "end_turn");
      case "garbage":
        return message([{ type: "text", text: "Sorry, I cannot help with that." }], "end_turn");
      case "invalid":
        return toolUse({ root_cause: "x" });
      case "badop":
        return toolUse({ ...fakeVerdict("fake-anthropic"), suggested_action: { operation: "DROP_DATABASE", command: "x", description: "y" } });
      case "error500":
        return send(500, { type: "error", error: { type: "api_error", message: "internal error" } });
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
