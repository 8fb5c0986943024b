import * as z from "zod/v4";
import { DatabaseEnv, DedupWindowSeconds, parseEnv } from "../../../shared/config/env.ts";
import { ProviderOrder } from "../../../shared/contracts/analysis.ts";
import { CALLBACK_PATH } from "./routes.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = AnalyzeBindings;

export const AnalyzeConfig = DatabaseEnv.extend({
  /** See shared/config/env.ts: how long an open fingerprint aggregates repeats. */
  DEDUP_WINDOW_SECONDS: DedupWindowSeconds,
  /** For the prompt's history (occurrences, hit count); analysis runs without it when unset. */
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  /** Provider order, comma-separated. Default `ollama,gemini,anthropic,rules`; a provider without its configuration is skipped. */
  AI_FALLBACK_ORDER: ProviderOrder,
  /** The Ollama relay on the GPU host (infra/ollama-relay). */
  OLLAMA_RELAY_URL: z.url().optional(),
  /** Shared with the relay: signs jobs and callbacks. */
  RELAY_HMAC_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Model the relay should use; the relay's OLLAMA_MODEL when unset. */
  OLLAMA_MODEL: z.string().min(1).optional(),
  /** How long a relay job may take before the next provider takes over. Default 60 (seed 000). */
  OLLAMA_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(900).default(60),
  /** How long the relay may gather the alert's cluster and metric context before the prompt is composed, in ms; 0 turns it off. Default 2000. */
  CLUSTER_CONTEXT_BUDGET_MS: z.coerce.number().int().min(0).max(10_000).default(2_000),
  /** Where the relay posts answers. Default `${PUBLIC_BASE_URL}/api/v1/analyze/callback`. */
  ANALYZE_CALLBACK_URL: z.url().optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_MODEL: z.string().min(1).default("gemini-2.5-flash"),
  /** The API's origin: a proxy, or a local server. Default https://generativelanguage.googleapis.com. */
  GEMINI_BASE_URL: z.url().optional(),
  /** Per request. Default 30. */
  GEMINI_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(300).default(30),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  /** Passed to the SDK as baseURL (proxy, gateway, or a local server). */
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODEL: z.string().min(1).default("claude-haiku-4-5"),
  /** Per request. Default 30. */
  ANTHROPIC_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(300).default(30),
});
export type AnalyzeConfig = z.infer<typeof AnalyzeConfig>;

export const configOf = (env: Env): AnalyzeConfig => parseEnv("analyze", AnalyzeConfig, env);

export function callbackUrlOf(config: AnalyzeConfig): string | undefined {
  return config.ANALYZE_CALLBACK_URL ?? (config.PUBLIC_BASE_URL ? new URL(CALLBACK_PATH, config.PUBLIC_BASE_URL).toString() : undefined);
}
