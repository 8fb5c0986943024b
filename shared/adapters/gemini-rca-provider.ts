import { addUsage } from "../domain/llm-usage.ts";
import { parseVerdictText, rcaVerdictJsonSchema, type VerdictParse } from "../domain/rca-parse.ts";
import type { ComposedPrompt } from "../domain/rca-prompt.ts";
import type { ProviderOutcome, SyncRcaProvider } from "../ports/rca-provider.ts";

export interface GeminiProviderOptions {
  readonly apiKey: string;
  /** Default https://generativelanguage.googleapis.com (a proxy, or a local server in tests). */
  readonly baseUrl?: string | undefined;
  readonly model: string;
  /** Per request, in ms. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** The JSON Schema keywords `generationConfig.responseJsonSchema` accepts (PROTOCOLS §20). */
const SCHEMA_KEYWORDS = new Set([
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

/** The verdict's JSON Schema cut to what Gemini accepts; what it drops (lengths, patterns) the verdict parser still checks. */
export function geminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchema);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>)
      .filter(([key]) => SCHEMA_KEYWORDS.has(key))
      .map(([key, value]) => [
        key,
        key === "properties" || key === "$defs"
          ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, member]) => [name, geminiSchema(member)]))
          : geminiSchema(value),
      ]),
  );
}

interface GenerateContentAnswer {
  readonly candidates?: ReadonlyArray<{
    readonly content?: { readonly parts?: ReadonlyArray<{ readonly text?: string; readonly thought?: boolean }> };
    readonly finishReason?: string;
  }>;
  readonly promptFeedback?: { readonly blockReason?: string };
  readonly modelVersion?: string;
  readonly usageMetadata?: { readonly promptTokenCount?: number; readonly candidatesTokenCount?: number; readonly thoughtsTokenCount?: number };
  readonly error?: { readonly code?: number; readonly status?: string; readonly message?: string };
}

/**
 * Gemini through its REST `generateContent` (one JSON POST: the SDK would
 * bring an auth library, protobufs and WebSockets into the Worker for it),
 * with JSON output constrained by the verdict's schema. One repair turn when
 * the answer still does not validate; 429 and 5xx are the next provider's turn.
 */
export function createGeminiProvider(options: GeminiProviderOptions): SyncRcaProvider {
  const doFetch = options.fetch ?? fetch;
  const url = `${(options.baseUrl ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "")}/v1beta/models/${encodeURIComponent(options.model)}:generateContent`;
  const responseJsonSchema = geminiSchema(rcaVerdictJsonSchema());

  async function ask(prompt: ComposedPrompt, repair?: { answer: string; reason: string }) {
    const contents = [{ role: "user", parts: [{ text: prompt.user }] }];
    if (repair) {
      contents.push({ role: "model", parts: [{ text: repair.answer.slice(0, 4_000) }] });
      contents.push({ role: "user", parts: [{ text: `That verdict was rejected: ${repair.reason}. Answer again with a corrected JSON verdict only.` }] });
    }
    const response = await doFetch(url, {
      method: "POST",
      headers: { "x-goog-api-key": options.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({
        systemInstruction: { parts: [{ text: prompt.system }] },
        contents,
        generationConfig: { temperature: 0, maxOutputTokens: 2_048, responseMimeType: "application/json", responseJsonSchema },
      }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const answer = (await response.json().catch(() => ({}))) as GenerateContentAnswer;
    if (!response.ok) throw new GeminiError(`HTTP ${response.status}${answer.error?.status ? ` ${answer.error.status}` : ""}`);
    if (answer.promptFeedback?.blockReason) throw new GeminiError(`prompt blocked: ${answer.promptFeedback.blockReason}`);
    const candidate = answer.candidates?.[0];
    const text = (candidate?.content?.parts ?? []).flatMap((part) => (part.thought || part.text === undefined ? [] : [part.text])).join("");
    const parsed: VerdictParse = text === "" ? { ok: false, reason: `no answer (finishReason ${candidate?.finishReason ?? "none"})` } : parseVerdictText(text);
    // Thinking tokens are billed as output.
    const usage = answer.usageMetadata
      ? {
          input: answer.usageMetadata.promptTokenCount ?? 0,
          output: (answer.usageMetadata.candidatesTokenCount ?? 0) + (answer.usageMetadata.thoughtsTokenCount ?? 0),
        }
      : undefined;
    return { parsed, text, model: answer.modelVersion ?? options.model, usage };
  }

  return {
    name: "gemini",
    async analyze(prompt: ComposedPrompt): Promise<ProviderOutcome> {
      try {
        const first = await ask(prompt);
        if (first.parsed.ok) return { ok: true, verdict: first.parsed.verdict, model: first.model, ...(first.usage ? { usage: first.usage } : {}) };
        const second = await ask(prompt, { answer: first.text, reason: first.parsed.reason });
        const usage = addUsage(first.usage, second.usage);
        if (second.parsed.ok) return { ok: true, verdict: second.parsed.verdict, model: second.model, ...(usage ? { usage } : {}) };
        return { ok: false, reason: `invalid answer after one repair: ${second.parsed.reason}`, ...(usage ? { usage } : {}) };
      } catch (error) {
        if (error instanceof GeminiError) return { ok: false, reason: error.message };
        if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return { ok: false, reason: "timeout" };
        return { ok: false, reason: "unreachable" };
      }
    },
  };
}

class GeminiError extends Error {}
