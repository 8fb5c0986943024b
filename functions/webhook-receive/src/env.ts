import * as z from "zod/v4";
import { DedupWindowSeconds, parseEnv, RedisEnv, Token } from "../../../shared/config/env.ts";
import { SOURCES, type SourceName } from "./sources.ts";

export { SOURCES, type SourceName };

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = WebhookReceiveBindings;

export const WebhookReceiveConfig = RedisEnv.extend({
  /** Token every source may use (`Authorization: Bearer <token>`, or Basic with the token as password). */
  WEBHOOK_TOKEN: Token,
  /** Per-source tokens; a source with its own token accepts only that one. */
  WEBHOOK_TOKEN_ALERTMANAGER: Token.optional(),
  WEBHOOK_TOKEN_GRAFANA: Token.optional(),
  WEBHOOK_TOKEN_SIGNOZ: Token.optional(),
  WEBHOOK_TOKEN_SENTRY: Token.optional(),
  WEBHOOK_TOKEN_SCANNER: Token.optional(),
  WEBHOOK_TOKEN_ALERTS: Token.optional(),
  /** Grafana contact point `hmacConfig.secret`: when set, requests must carry a valid signature. */
  GRAFANA_WEBHOOK_SECRET: z.string().min(8).optional(),
  /** Header carrying Grafana's signature. Default `X-Grafana-Alerting-Signature`. */
  GRAFANA_SIGNATURE_HEADER: z.string().min(1).default("X-Grafana-Alerting-Signature"),
  /** Grafana `hmacConfig.timestampHeader`, when configured there; the timestamp is then signed too. */
  GRAFANA_TIMESTAMP_HEADER: z.string().min(1).optional(),
  /** Sentry integration Client Secret: when set, `Sentry-Hook-Signature` is required and verified. */
  SENTRY_CLIENT_SECRET: z.string().min(8).optional(),
  /** How old a signed timestamp may be, in seconds. Default 300. */
  SIGNATURE_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** See shared/config/env.ts: how long an open fingerprint aggregates repeats. */
  DEDUP_WINDOW_SECONDS: DedupWindowSeconds,
  /** New incidents one source may open per minute. Default 100. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
  /** New fingerprints per minute in one alert_type + namespace before a storm incident absorbs the rest. Default 10. */
  STORM_THRESHOLD: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Seconds between end-to-end smoke runs sent by the cron; 0 turns them off. Default 300. */
  SMOKE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** A smoke run must reach notify within this many seconds. Default 120. */
  SMOKE_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
  /** Where the out-of-band "chain broken" alarm goes (straight to the chat APIs, not through the queues). */
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_BASE: z.url().default("https://api.telegram.org"),
  TELEGRAM_CHAT_ID: z.string().optional(),
  SLACK_WEBHOOK_URL: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});
export type WebhookReceiveConfig = z.infer<typeof WebhookReceiveConfig>;

export const configOf = (env: Env): WebhookReceiveConfig => parseEnv("webhook-receive", WebhookReceiveConfig, env);

/** The tokens a source accepts: its own when configured, else the shared one. */
export function tokensFor(config: WebhookReceiveConfig, source: SourceName): string {
  const own = config[`WEBHOOK_TOKEN_${source.toUpperCase()}` as keyof WebhookReceiveConfig];
  return typeof own === "string" ? own : config.WEBHOOK_TOKEN;
}
