import Anthropic from "@anthropic-ai/sdk";
import { addUsage } from "../domain/llm-usage.ts";
import { parseVerdictObject, parseVerdictText, rcaVerdictJsonSchema, type VerdictParse } from "../domain/rca-parse.ts";
import type { ComposedPrompt } from "../domain/rca-prompt.ts";
import type { ProviderOutcome, SyncRcaProvider } from "../ports/rca-provider.ts";

export interface AnthropicProviderOptions {
  readonly apiKey: string;
  /** Passed to the SDK as `baseURL` (a proxy, or a local server in tests). */
  readonly baseURL?: string | undefined;
  readonly model: string;
  /** Per request, in ms; the SDK's own default (10 min) would outlive a queue consumer. */
  readonly timeoutMs: number;
  /** SDK retries of 408/409/429/5xx per request. Default 1: the queue retries beyond that. */
  readonly maxRetries?: number;
}

const TOOL = "record_verdict";

/**
 * Claude through `@anthropic-ai/sdk`, with the verdict obtained by forced tool
 * use (the tool's input schema is the verdict's JSON Schema), so the answer is
 * an already-parsed object. One repair turn when it still does not validate.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): SyncRcaProvider {
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: options.maxRetries ?? 1 });
  const tool = { name: TOOL, description: "Record the root-cause verdict for the alert.", input_schema: rcaVerdictJsonSchema() as Anthropic.Tool.InputSchema };

  async function ask(prompt: ComposedPrompt, repair?: { answer: unknown; reason: string }) {
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: prompt.user }];
    if (repair) {
      messages.push({ role: "assistant", content: `Previous answer: ${JSON.stringify(repair.answer).slice(0, 4_000)}` });
      messages.push({ role: "user", content: `That verdict was rejected: ${repair.reason}. Call ${TOOL} again with a corrected verdict.` });
    }
    const message = await client.messages.create({
      model: options.model,
      max_tokens: 2_048,
      system: prompt.system,
      messages,
      tools: [tool],
      tool_choice: { type: "tool", name: TOOL },
    });
    const toolUse = message.content.find((block) => block.type === "tool_use");
    const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
    const answer: unknown = toolUse ? toolUse.input : text;
    const parsed: VerdictParse = toolUse ? parseVerdictObject(toolUse.input) : parseVerdictText(text);
    return { parsed, answer, model: message.model, usage: { input: message.usage.input_tokens, output: message.usage.output_tokens } };
  }

  return {
    name: "anthropic",
    async analyze(prompt: ComposedPrompt): Promise<ProviderOutcome> {
      try {
        const first = await ask(prompt);
        if (first.parsed.ok) return { ok: true, verdict: first.parsed.verdict, model: first.model, usage: first.usage };
        const second = await ask(prompt, { answer: first.answer, reason: first.parsed.reason });
        const usage = addUsage(first.usage, second.usage);
        if (second.parsed.ok) return { ok: true, verdict: second.parsed.verdict, model: second.model, ...(usage ? { usage } : {}) };
        return { ok: false, reason: `invalid answer after one repair: ${second.parsed.reason}`, ...(usage ? { usage } : {}) };
      } catch (error) {
        return { ok: false, reason: describe(error) };
      }
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Anthropic.APIConnectionTimeoutError) return "timeout";
  if (error instanceof Anthropic.APIConnectionError) return "unreachable";
  if (error instanceof Anthropic.APIError) return `HTTP ${error.status ?? "error"}${error.type ? ` ${error.type}` : ""}`;
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}
