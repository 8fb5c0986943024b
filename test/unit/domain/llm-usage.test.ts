import { describe, expect, it } from "vitest";
import type { AnalysisAttempt } from "../../../shared/contracts/analysis.ts";
import { addUsage, DEFAULT_LLM_PRICES, llmUsage } from "../../../shared/domain/llm-usage.ts";

const at = "2026-12-01T00:00:00Z";
const turn = (provider: AnalysisAttempt["provider"], outcome: AnalysisAttempt["outcome"], extra: Partial<AnalysisAttempt> = {}): AnalysisAttempt => ({
  provider,
  outcome,
  at,
  ...extra,
});

describe("llmUsage", () => {
  it("counts calls, failures, tokens, estimated cost and latency per provider", () => {
    const usage = llmUsage([
      turn("gemini", "verdict", { duration_ms: 800, input_tokens: 1_000_000, output_tokens: 100_000 }),
      turn("gemini", "failed", { duration_ms: 2_000, input_tokens: 500_000, output_tokens: 0, reason: "HTTP 503 UNAVAILABLE" }),
      turn("anthropic", "verdict", { duration_ms: 1_200, input_tokens: 2_000, output_tokens: 400 }),
      turn("ollama", "submitted", { duration_ms: 5 }),
      turn("ollama", "verdict", { duration_ms: 9_000, input_tokens: 300, output_tokens: 80 }),
      turn("anthropic", "skipped", { reason: "not configured" }),
      turn("rules", "verdict", { duration_ms: 1 }),
    ]);
    // 1.5 M input × $0.30 + 0.1 M output × $2.50 = $0.70
    expect(usage.gemini).toEqual({
      calls: 2,
      failures: 1,
      input_tokens: 1_500_000,
      output_tokens: 100_000,
      cost_usd: 0.7,
      latency_ms: { p50: 2_000, p95: 2_000 },
    });
    // 2,000 × $1/M + 400 × $5/M = $0.004
    expect(usage.anthropic).toMatchObject({ calls: 1, failures: 0, cost_usd: 0.004 });
    // The hand-off to the relay is not a call; the job's end is. Self-hosted: no per-token price.
    expect(usage.ollama).toMatchObject({ calls: 1, input_tokens: 300, output_tokens: 80, cost_usd: 0, latency_ms: { p50: 9_000, p95: 9_000 } });
    expect(usage.rules).toMatchObject({ calls: 1, input_tokens: 0, cost_usd: 0 });
  });

  it("prices with an override, and reports no latency for a provider never called", () => {
    const usage = llmUsage([turn("ollama", "verdict", { input_tokens: 1_000_000, output_tokens: 1_000_000 })], {
      ...DEFAULT_LLM_PRICES,
      ollama: { input_per_mtok: 0.05, output_per_mtok: 0.1 },
    });
    expect(usage.ollama.cost_usd).toBe(0.15);
    expect(usage.gemini).toEqual({ calls: 0, failures: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, latency_ms: { p50: null, p95: null } });
  });

  it("adds two turns' usage, either of which may be unknown", () => {
    expect(addUsage({ input: 10, output: 2 }, { input: 5, output: 1 })).toEqual({ input: 15, output: 3 });
    expect(addUsage(undefined, { input: 5, output: 1 })).toEqual({ input: 5, output: 1 });
    expect(addUsage(undefined, undefined)).toBeUndefined();
  });
});
