// A local server speaking the Anthropic Messages API (`POST /v1/messages`) so
// the real `@anthropic-ai/sdk` client is exercised. It records what it received.

import { startJsonServer } from "./json-server.ts";
import { behaviourOf, fakeVerdict, lowRiskVerdict } from "./llm-behaviour.ts";

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: Array<{ headers: Record<string, unknown>; body: any }>;
  close(): Promise<void>;
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: FakeAnthropic["requests"] = [];
  const server = await startJsonServer(async ({ method, path, headers, body, send: reply, hang }) => {
    // What the tests inside workerd read back: the prompts (bodies) received so far, without the credentials.
    if (method === "GET" && path === "/_test/requests") return reply(200, { bodies: requests.map((r) => r.body) });
    requests.push({ headers, body });
    const send = (status: number, payload: unknown) => reply(status, payload, { "request-id": `req_${requests.length}` });
    if (method !== "POST" || path !== "/v1/messages") return send(404, { type: "error", error: { type: "not_found_error", message: "not found" } });
    // SDK 0.x sends X-Api-Key; SDK 1.x sends the key as a bearer token.
    if (!headers["x-api-key"] && !/^Bearer \S+/.test(String(headers.authorization ?? ""))) {
      return send(401, { type: "error", error: { type: "authentication_error", message: "x-api-key header is required" } });
    }
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
    const behaviour = behaviourOf(JSON.stringify(body.messages ?? []));
    switch (behaviour) {
      case "podfix":
      case "scalefix":
        return toolUse(lowRiskVerdict("fake-anthropic", behaviour));
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
        return hang();
    }
  });
  return { url: server.url, requests, close: server.close };
}
