import * as z from "zod/v4";
import { ApproversEnv, LinkKeysEnv } from "../../../shared/config/approvers.ts";
import {
  DatabaseEnv,
  DigestAt,
  ExecutorEnv,
  Flag,
  parseEnv,
  QuietPriorities,
  RedisEnv,
  requireExecutorSecret,
  TelegramWebhookSecret,
  Token,
} from "../../../shared/config/env.ts";
import { perPriorityDuration, perPriorityLevel } from "../../../shared/config/per-priority.ts";
import { RcaProvider } from "../../../shared/contracts/rca.ts";
import { DEFAULT_LLM_PRICES } from "../../../shared/domain/llm-usage.ts";
import { DEFAULT_ESCALATION_CEILING, DEFAULT_SLA_POLICY } from "../../../shared/domain/sla.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = ApproveBindings;

const TokenPriceJson = z.strictObject({ input_per_mtok: z.number().min(0), output_per_mtok: z.number().min(0) });

const LlmPrices = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (!text) return DEFAULT_LLM_PRICES;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be JSON, e.g. {"gemini":{"input_per_mtok":0.3,"output_per_mtok":2.5}}' });
      return z.NEVER;
    }
    const parsed = z.partialRecord(RcaProvider, TokenPriceJson).safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `must map providers (${RcaProvider.options.join(", ")}) to {input_per_mtok, output_per_mtok}` });
      return z.NEVER;
    }
    return { ...DEFAULT_LLM_PRICES, ...parsed.data };
  });

export const ApproveConfig = DatabaseEnv.extend(RedisEnv.shape)
  .extend(LinkKeysEnv.shape)
  .extend(ExecutorEnv.shape)
  .extend({
    APPROVERS: ApproversEnv,
    /** Bearer token for the ops API (`/api/v1/...` reads). */
    OPS_TOKEN: Token,
    /** Bearer (or Basic password) a Prometheus scrape must present at /metrics. Required unless METRICS_PUBLIC is on. */
    METRICS_TOKEN: Token.optional(),
    /** Serve /metrics without a token. Off by default: counters reveal alert volume and sources (the dev stack turns it on). */
    METRICS_PUBLIC: Flag,
    /** This bundle's public origin: the executor's callback URL is built on it. */
    PUBLIC_BASE_URL: z.url(),
    /** Telegram button presses (docs/notify.md): the bot that sent the buttons, and setWebhook's secret_token. */
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC-DEF… (from @BotFather)")
      .optional(),
    TELEGRAM_API_BASE: z.url().default("https://api.telegram.org"),
    TELEGRAM_WEBHOOK_SECRET: TelegramWebhookSecret,
    /** Slack app (docs/notify.md): interactions are verified with the signing secret; the bot token edits the message. */
    SLACK_SIGNING_SECRET: z.string().min(16, "must be the app's signing secret (Basic Information → App Credentials)").optional(),
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-[A-Za-z0-9-]{10,}$/, "must be a bot token (xoxb-…)")
      .optional(),
    SLACK_API_BASE: z.url().default("https://slack.com/api"),
    /** Cloudflare Access team origin (https://<team>.cloudflareaccess.com) and this app's AUD tag: the status page then accepts Access identities. */
    CF_ACCESS_TEAM_DOMAIN: z.url().optional(),
    CF_ACCESS_AUD: z.string().min(1).optional(),
    /** Response SLA per priority before an approval escalates a level, e.g. `P0=5m,P3=4h`. Default seed 001 §6.1. */
    SLA_RESPONSE: perPriorityDuration(DEFAULT_SLA_POLICY.responseSeconds),
    /** Resolution SLA per priority before an open incident escalates a level, e.g. `P0=30m,P1=2h`. Default seed 001 §6.1. */
    SLA_RESOLUTION: perPriorityDuration(DEFAULT_SLA_POLICY.resolutionSeconds),
    /** How high each priority escalates, e.g. `P3=1` or `2` for all. Default P0 4, P1 3, P2 2, P3 0 (seed 001 §6.3). */
    ESCALATION_MAX_LEVEL: perPriorityLevel(DEFAULT_ESCALATION_CEILING),
    /** Per-provider USD per million tokens for the LLM cost estimate, JSON, e.g. `{"gemini":{"input_per_mtok":0.3,"output_per_mtok":2.5}}`; merged over the defaults. */
    LLM_PRICES: LlmPrices,
    /** The daily digest's UTC time (HH:MM, default 08:00), or `off` for on demand only (POST /api/v1/digest/run). */
    DIGEST_AT: DigestAt,
    /** The priorities notify keeps out of the live chats: the digest lists them as handled quietly. Default P3. */
    QUIET_PRIORITIES: QuietPriorities,
  })
  .superRefine((config, ctx) => {
    if (!config.METRICS_TOKEN && !config.METRICS_PUBLIC) {
      ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "is required (or set METRICS_PUBLIC=true to serve /metrics without a token)" });
    }
    requireExecutorSecret(config, ctx);
    if (config.TELEGRAM_WEBHOOK_SECRET && !config.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_BOT_TOKEN"],
        message: "is required when TELEGRAM_WEBHOOK_SECRET is set (presses are answered by the bot)",
      });
    }
  });
export type ApproveConfig = z.infer<typeof ApproveConfig>;

export const configOf = (env: Env): ApproveConfig => parseEnv("approve", ApproveConfig, env);
