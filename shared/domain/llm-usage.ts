import type { AnalysisAttempt } from "../contracts/analysis.ts";
import type { RcaProvider } from "../contracts/rca.ts";
import type { TokenUsage } from "../ports/rca-provider.ts";

/** The sum of two turns' usage, either of which may be unknown. */
export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  return { input: a.input + b.input, output: a.output + b.output };
}

/** USD per million tokens. */
export interface TokenPrice {
  readonly input_per_mtok: number;
  readonly output_per_mtok: number;
}

/**
 * List prices of the default models, read on 2026-12-01 (docs/analyze.md
 * "Tokens and cost" cites the pages): Gemini 2.5 Flash $0.30 / $2.50 (paid
 * tier, prompts ≤ 200k tokens), Claude Haiku 4.5 $1 / $5. Ollama runs on the
 * operator's own GPU and rules on nothing: no per-token price. `LLM_PRICES`
 * overrides any of them for other models or negotiated rates.
 */
export const DEFAULT_LLM_PRICES: Readonly<Record<RcaProvider, TokenPrice>> = {
  ollama: { input_per_mtok: 0, output_per_mtok: 0 },
  gemini: { input_per_mtok: 0.3, output_per_mtok: 2.5 },
  anthropic: { input_per_mtok: 1, output_per_mtok: 5 },
  rules: { input_per_mtok: 0, output_per_mtok: 0 },
};

export interface ProviderUsage {
  /** Turns that asked the provider (skipped ones not counted; an Ollama job counts once, when it ends). */
  readonly calls: number;
  readonly failures: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly latency_ms: { readonly p50: number | null; readonly p95: number | null };
}

const quantile = (sorted: readonly number[], q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/** Calls, failures, tokens, estimated cost and latency per provider, from the attempts analyses recorded. */
export function llmUsage(
  attempts: readonly AnalysisAttempt[],
  prices: Readonly<Record<RcaProvider, TokenPrice>> = DEFAULT_LLM_PRICES,
): Record<RcaProvider, ProviderUsage> {
  const providers: RcaProvider[] = ["ollama", "gemini", "anthropic", "rules"];
  return Object.fromEntries(
    providers.map((provider) => {
      // An Ollama job's "submitted" turn is the hand-off; its verdict or failure is the call.
      const calls = attempts.filter((a) => a.provider === provider && (a.outcome === "verdict" || a.outcome === "failed"));
      const input = calls.reduce((sum, a) => sum + (a.input_tokens ?? 0), 0);
      const output = calls.reduce((sum, a) => sum + (a.output_tokens ?? 0), 0);
      const price = prices[provider];
      const latencies = calls.flatMap((a) => (a.duration_ms === undefined ? [] : [a.duration_ms])).sort((x, y) => x - y);
      return [
        provider,
        {
          calls: calls.length,
          failures: calls.filter((a) => a.outcome === "failed").length,
          input_tokens: input,
          output_tokens: output,
          cost_usd: Math.round(((input * price.input_per_mtok + output * price.output_per_mtok) / 1_000_000) * 1_000_000) / 1_000_000,
          latency_ms: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
        },
      ];
    }),
  ) as Record<RcaProvider, ProviderUsage>;
}
