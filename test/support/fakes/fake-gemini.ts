// A local server speaking the Gemini API's `generateContent`
// (`POST /v1beta/models/{model}:generateContent`, PROTOCOLS §20): it checks
// what the real service checks — the API key header, a model path, contents,
// and a responseJsonSchema made only of the keywords Gemini accepts — and
// answers like it, errors in Google's shape. Tests read back what it received.

import { startJsonServer } from "./json-server.ts";
import { behaviourOf, fakeVerdict, lowRiskVerdict } from "./llm-behaviour.ts";

export interface FakeGemini {
  readonly url: string;
  readonly requests: Array<{ path: string; body: any }>;
  close(): Promise<void>;
}

/**
 * What the real API accepts in responseJsonSchema (PROTOCOLS §20), kept here on its own on purpose: the
 * adapter's list is what is under test, so the stand-in must not borrow it.
 */
export const GEMINI_ACCEPTED_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "items",
  "prefixItems",
  "enum",
  "anyOf",
  "oneOf",
  "$ref",
  "$defs",
  "additionalProperties",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "format",
  "title",
  "description",
]);

/** The first keyword Gemini would refuse in a responseJsonSchema, with its path. */
function unsupportedKeyword(schema: unknown, path = "responseJsonSchema"): string | undefined {
  if (Array.isArray(schema)) return schema.map((item, i) => unsupportedKeyword(item, `${path}[${i}]`)).find(Boolean);
  if (schema === null || typeof schema !== "object") return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (!GEMINI_ACCEPTED_SCHEMA_KEYWORDS.has(key)) return `${path}.${key}`;
    const members =
      key === "properties" || key === "$defs"
        ? Object.entries(value as object).map(([name, member]) => unsupportedKeyword(member, `${path}.${key}.${name}`))
        : [unsupportedKeyword(value, `${path}.${key}`)];
    const found = members.find(Boolean);
    if (found) return found;
  }
  return undefined;
}

export async function startFakeGemini(): Promise<FakeGemini> {
  const requests: FakeGemini["requests"] = [];
  const server = await startJsonServer(async ({ method, path, headers, body, send, hang }) => {
    if (method === "GET" && path === "/_test/requests") return send(200, { bodies: requests.map((r) => r.body) });
    const error = (code: number, status: string, message: string) => send(code, { error: { code, message, status } });
    const model = /^\/v1beta\/models\/([\w.-]+):generateContent$/.exec(path)?.[1];
    if (method !== "POST" || !model) return error(404, "NOT_FOUND", `${method} ${path} is not a Gemini method`);
    if (!headers["x-goog-api-key"]) return error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers. Please use an API key.");
    if (!Array.isArray(body?.contents) || body.contents.length === 0) return error(400, "INVALID_ARGUMENT", "contents is not specified");
    const config = body.generationConfig ?? {};
    if (config.responseSchema && config.responseJsonSchema)
      return error(400, "INVALID_ARGUMENT", "only one of responseSchema and responseJsonSchema may be set");
    const refused = unsupportedKeyword(config.responseJsonSchema);
    if (refused) return error(400, "INVALID_ARGUMENT", `Invalid JSON payload received. Unknown name at '${refused}'`);
    requests.push({ path, body });
    const answer = (text: string, finishReason = "STOP") =>
      send(200, {
        candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason, index: 0 }],
        usageMetadata: { promptTokenCount: 120, candidatesTokenCount: 40, totalTokenCount: 160 },
        modelVersion: model,
        responseId: `resp_${requests.length}`,
      });
    const behaviour = behaviourOf(JSON.stringify(body.contents));
    switch (behaviour) {
      case "podfix":
      case "scalefix":
        return answer(JSON.stringify(lowRiskVerdict("fake-gemini", behaviour)));
      case "ok":
      case "slow":
      case "flaky":
        return answer(JSON.stringify(fakeVerdict("fake-gemini")));
      case "fenced":
        return answer(`\`\`\`json\n${JSON.stringify(fakeVerdict("fake-gemini"))}\n\`\`\``);
      case "garbage":
        return answer("I cannot determine the cause.");
      case "invalid":
        return answer(JSON.stringify({ root_cause: "x" }));
      case "badop":
        return answer(JSON.stringify({ ...fakeVerdict("fake-gemini"), suggested_action: { operation: "DROP_DATABASE", command: "x", description: "y" } }));
      case "error500":
        return error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
      case "hang":
        return hang();
    }
  });
  return { url: server.url, requests, close: server.close };
}
