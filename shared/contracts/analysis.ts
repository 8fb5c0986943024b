import * as z from "zod/v4";
import { RcaProvider } from "./rca.ts";

/** One provider's turn in an incident's analysis, as recorded on the incident. */
export const AnalysisAttempt = z.object({
  provider: RcaProvider,
  outcome: z.enum(["verdict", "submitted", "skipped", "failed"]),
  reason: z.string().max(500).optional(),
  duration_ms: z.number().int().min(0).optional(),
  /** Tokens the provider reported for this turn (repair turns included); absent when it reported none. */
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type AnalysisAttempt = z.infer<typeof AnalysisAttempt>;

/** `AI_FALLBACK_ORDER`: comma-separated providers, default `ollama,gemini,anthropic,rules` (seed 000 §4.6); rules always ends the chain. */
export const ProviderOrder = z
  .string()
  .default("ollama,gemini,anthropic,rules")
  .transform((text, ctx) => {
    const names = text
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const parsed = z.array(RcaProvider).safeParse(names);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `must list providers from ${RcaProvider.options.join(", ")}` });
      return z.NEVER;
    }
    const unique = [...new Set(parsed.data)].filter((name) => name !== "rules");
    return [...unique, "rules" as const];
  });
export type ProviderOrder = z.infer<typeof ProviderOrder>;

/** Relay → analyze callback body (`POST /api/v1/analyze/callback`). */
export const RelayCallback = z.object({
  job_id: z.uuid(),
  incident_id: z.uuid(),
  ok: z.boolean(),
  content: z.string().max(200_000).optional(),
  error: z.string().max(2_000).optional(),
  model: z.string().max(128).optional(),
  duration_ms: z.number().int().min(0).optional(),
  /** Ollama's prompt_eval_count and eval_count over the job's turns (optional: older relays do not send them). */
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
});
export type RelayCallback = z.infer<typeof RelayCallback>;

/** analyze → relay job (`POST /v1/jobs`). */
export const RelayJob = z.object({
  job_id: z.uuid(),
  incident_id: z.uuid(),
  model: z.string().min(1).max(128).optional(),
  system: z.string().max(100_000),
  user: z.string().max(100_000),
  /** JSON Schema the answer must follow (Ollama structured outputs). */
  format: z.record(z.string(), z.unknown()),
  callback_url: z.url(),
  timeout_seconds: z.number().int().min(1).max(3_600),
  /** The incident's correlation id, for the relay's logs (optional: older analyzers do not send it). */
  correlation_id: z.string().min(1).max(200).optional(),
});
export type RelayJob = z.infer<typeof RelayJob>;
