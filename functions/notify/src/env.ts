import * as z from "zod/v4";
import { ApproversEnv, LinkKeysEnv } from "../../../shared/config/approvers.ts";
import { DatabaseEnv, Flag, parseEnv, QuietPriorities, RedisEnv, setOf, TelegramWebhookSecret } from "../../../shared/config/env.ts";
import { Priority } from "../../../shared/contracts/alert.ts";
import type { NotifyRouting } from "../../../shared/domain/notify/routing.ts";

/** Bindings generated from wrangler.toml (`npm run types`); variables are parsed by the config schema below. */
export type Env = NotifyBindings;

const Optional = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));
const OptionalUrl = z
  .url()
  .optional()
  .or(z.literal("").transform(() => undefined));
/** Telegram chat ids are integers (negative for groups) or `@channelusername`. */
const SlackChannelId = z.string().regex(/^[CG][A-Z0-9]{2,20}$/, "must be a channel id such as C0123ABCD");
const SlackChannel = SlackChannelId.optional().or(z.literal("").transform(() => undefined));
const EmailList = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const list = (text ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const bad = list.find((entry) => !z.email().safeParse(entry).success);
    if (bad) {
      ctx.addIssue({ code: "custom", message: `must list e-mail addresses separated by commas ("${bad.slice(0, 80)}" is not one)` });
      return z.NEVER;
    }
    return list;
  });

const ChatId = z
  .string()
  .regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, "must be a numeric chat id or @channelusername")
  .optional()
  .or(z.literal("").transform(() => undefined));

export const NotifyConfig = RedisEnv.extend(LinkKeysEnv.shape)
  .extend({
    APPROVERS: ApproversEnv,
    /** Origin approvers' links point at (the approve function's public URL). */
    PUBLIC_BASE_URL: z.url(),
    /** `on` in local dev: keep messages for GET /dev/inbox and print them. Never set in production. */
    DEV_INBOX: Flag,

    TELEGRAM_BOT_TOKEN: Optional,
    TELEGRAM_API_BASE: z.url().default("https://api.telegram.org"),
    TELEGRAM_CHAT_ID: ChatId,
    TELEGRAM_P0_CHAT_ID: ChatId,
    TELEGRAM_SECURITY_CHAT_ID: ChatId,
    /** With it, approve takes Telegram button presses: shared chats get Approve/Reject buttons (docs/notify.md). */
    TELEGRAM_WEBHOOK_SECRET: TelegramWebhookSecret,

    SLACK_WEBHOOK_URL: OptionalUrl,
    SLACK_WEBHOOK_URL_CRITICAL: OptionalUrl,
    SLACK_WEBHOOK_URL_WARNING: OptionalUrl,
    SLACK_WEBHOOK_URL_INFO: OptionalUrl,
    /** A Slack app (docs/notify.md): its bot token and the channel it posts to, with Approve/Reject buttons. */
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-[A-Za-z0-9-]{10,}$/, "must be a bot token (xoxb-…)")
      .optional(),
    SLACK_CHANNEL_ID: SlackChannelId.optional(),
    SLACK_API_BASE: z.url().default("https://slack.com/api"),
    /** Category channels of the Slack app (seed 001 §4.2): security notices, infrastructure notices, and P0s as well. */
    SLACK_CHANNEL_SECURITY: SlackChannel,
    SLACK_CHANNEL_INFRA: SlackChannel,
    SLACK_CHANNEL_P0: SlackChannel,

    /** Kept out of the live chats unless a decision is wanted of someone (docs/notify.md "Quiet by default"). */
    QUIET_PRIORITIES: QuietPriorities,

    /** Tickets (docs/notify.md "Tickets"): one per incident in GitHub Issues or Jira Cloud. */
    TICKET_SYSTEM: z
      .enum(["github", "jira", "none", ""], { message: "must be github, jira or none" })
      .default("none")
      .transform((value) => (value === "" ? "none" : value)),
    GITHUB_TOKEN: Optional,
    GITHUB_REPOSITORY: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/repo")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    GITHUB_API_URL: z.url().default("https://api.github.com"),
    JIRA_BASE_URL: OptionalUrl,
    JIRA_EMAIL: Optional,
    JIRA_API_TOKEN: Optional,
    JIRA_PROJECT_KEY: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{1,9}$/, "must be a Jira project key such as OPS")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    JIRA_ISSUE_TYPE: z.string().min(1).max(60).default("Bug"),
    JIRA_DONE_TRANSITION: z.string().min(1).max(60).default("Done"),
    /** Where tickets are recorded on the incident; needed only with TICKET_SYSTEM. */
    DATABASE_URL: DatabaseEnv.shape.DATABASE_URL.optional().or(z.literal("").transform(() => undefined)),
    NEON_WS_PROXY: DatabaseEnv.shape.NEON_WS_PROXY,
    DB_POOL_MAX: DatabaseEnv.shape.DB_POOL_MAX,

    /** E-mail over SMTP (docs/notify.md "E-mail"): the team's mail to EMAIL_TO, each approver's own to their roster address. */
    SMTP_HOST: Optional,
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(587),
    SMTP_SECURE: z.enum(["none", "starttls", "tls"], { message: "must be none, starttls or tls" }).default("starttls"),
    SMTP_USER: Optional,
    SMTP_PASS: Optional,
    SMTP_FROM: z
      .email({ message: "must be an e-mail address" })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    EMAIL_TO: EmailList,

    PAGERDUTY_ROUTING_KEY: Optional,
    PAGERDUTY_EVENTS_URL: z.url().default("https://events.pagerduty.com/v2/enqueue"),
    /** Priorities that page. Default P0,P1. */
    PAGERDUTY_PRIORITIES: setOf(Priority, "P0,P1", "must list priorities such as P0,P1"),

    SENTRY_API_URL: z.url().default("https://sentry.io"),
    SENTRY_API_TOKEN: Optional,
    /** Organization slug for the org-scoped comments path; without it the legacy path is used. */
    SENTRY_ORG: Optional,

    NOTIFY_WEBHOOK_URL: OptionalUrl,
    NOTIFY_WEBHOOK_SECRET: Optional,
  })
  .superRefine((c, ctx) => {
    for (const name of ["TELEGRAM_CHAT_ID", "TELEGRAM_P0_CHAT_ID", "TELEGRAM_SECURITY_CHAT_ID"] as const) {
      if (c[name] && !c.TELEGRAM_BOT_TOKEN) ctx.addIssue({ code: "custom", path: ["TELEGRAM_BOT_TOKEN"], message: `is required when ${name} is set` });
    }
    if (c.TELEGRAM_BOT_TOKEN && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(c.TELEGRAM_BOT_TOKEN)) {
      ctx.addIssue({ code: "custom", path: ["TELEGRAM_BOT_TOKEN"], message: "must look like 123456:ABC-DEF… (from @BotFather)" });
    }
    if (c.SLACK_CHANNEL_ID && !c.SLACK_BOT_TOKEN)
      ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "is required when SLACK_CHANNEL_ID is set" });
    if (c.SLACK_BOT_TOKEN && !c.SLACK_CHANNEL_ID)
      ctx.addIssue({ code: "custom", path: ["SLACK_CHANNEL_ID"], message: "is required when SLACK_BOT_TOKEN is set" });
    if (c.TICKET_SYSTEM === "github") {
      for (const name of ["GITHUB_TOKEN", "GITHUB_REPOSITORY"] as const) {
        if (!c[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when TICKET_SYSTEM=github" });
      }
    }
    if (c.TICKET_SYSTEM === "jira") {
      for (const name of ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT_KEY"] as const) {
        if (!c[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when TICKET_SYSTEM=jira" });
      }
    }
    if (c.TICKET_SYSTEM !== "none" && !c.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required when TICKET_SYSTEM is set (tickets are recorded on the incident)" });
    }
    if (c.SMTP_HOST && !c.SMTP_FROM) ctx.addIssue({ code: "custom", path: ["SMTP_FROM"], message: "is required when SMTP_HOST is set" });
    if ((c.EMAIL_TO.length > 0 || c.SMTP_FROM) && !c.SMTP_HOST) {
      ctx.addIssue({ code: "custom", path: ["SMTP_HOST"], message: "is required when EMAIL_TO or SMTP_FROM is set" });
    }
    if (c.SMTP_USER && !c.SMTP_PASS) ctx.addIssue({ code: "custom", path: ["SMTP_PASS"], message: "is required when SMTP_USER is set" });
    if (c.NOTIFY_WEBHOOK_URL && (c.NOTIFY_WEBHOOK_SECRET?.length ?? 0) < 16) {
      ctx.addIssue({ code: "custom", path: ["NOTIFY_WEBHOOK_SECRET"], message: "of at least 16 characters is required when NOTIFY_WEBHOOK_URL is set" });
    }
  });
export type NotifyConfig = z.infer<typeof NotifyConfig>;

export const configOf = (env: Env): NotifyConfig => parseEnv("notify", NotifyConfig, env);

/** Which channels the configuration switches on. */
export function routingOf(c: NotifyConfig): NotifyRouting {
  const bySeverity = Object.fromEntries(
    (
      [
        ["critical", c.SLACK_WEBHOOK_URL_CRITICAL],
        ["warning", c.SLACK_WEBHOOK_URL_WARNING],
        ["info", c.SLACK_WEBHOOK_URL_INFO],
      ] as const
    ).flatMap(([severity, url]) => (url ? [[severity, url]] : [])),
  );
  return {
    telegram: c.TELEGRAM_BOT_TOKEN
      ? {
          teamChat: c.TELEGRAM_CHAT_ID,
          p0Chat: c.TELEGRAM_P0_CHAT_ID,
          securityChat: c.TELEGRAM_SECURITY_CHAT_ID,
          buttons: c.TELEGRAM_WEBHOOK_SECRET !== undefined,
        }
      : undefined,
    slack: c.SLACK_WEBHOOK_URL || Object.keys(bySeverity).length > 0 ? { defaultWebhook: c.SLACK_WEBHOOK_URL, bySeverity } : undefined,
    slackApp:
      c.SLACK_BOT_TOKEN && c.SLACK_CHANNEL_ID
        ? { channel: c.SLACK_CHANNEL_ID, securityChannel: c.SLACK_CHANNEL_SECURITY, infraChannel: c.SLACK_CHANNEL_INFRA, p0Channel: c.SLACK_CHANNEL_P0 }
        : undefined,
    email: c.SMTP_HOST ? { team: c.EMAIL_TO } : undefined,
    ticket: c.TICKET_SYSTEM !== "none",
    quiet: c.QUIET_PRIORITIES,
    pagerduty: c.PAGERDUTY_ROUTING_KEY ? { priorities: c.PAGERDUTY_PRIORITIES } : undefined,
    sentry: c.SENTRY_API_TOKEN !== undefined,
    webhook: c.NOTIFY_WEBHOOK_URL !== undefined,
    devInbox: c.DEV_INBOX,
  };
}
