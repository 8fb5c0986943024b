import { createGitHubIssues } from "../../../shared/adapters/github-issues.ts";
import { createJiraIssues } from "../../../shared/adapters/jira-issues.ts";
import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentTickets } from "../../../shared/adapters/neon-kysely-incident-tickets.ts";
import { createPagerDutySender } from "../../../shared/adapters/pagerduty-events-sender.ts";
import { createSentrySender } from "../../../shared/adapters/sentry-comment-sender.ts";
import { createWebhookSender } from "../../../shared/adapters/signed-webhook-sender.ts";
import { createSlackApi } from "../../../shared/adapters/slack-web-api.ts";
import { createSlackSender } from "../../../shared/adapters/slack-webhook-sender.ts";
import { createSmtpMailSender } from "../../../shared/adapters/smtp-mail-sender.ts";
import { createTelegramSender } from "../../../shared/adapters/telegram-bot-sender.ts";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createUpstashDevInbox } from "../../../shared/adapters/upstash-dev-inbox.ts";
import { createUpstashLiveMessages } from "../../../shared/adapters/upstash-live-messages.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createUpstashNotificationLedger } from "../../../shared/adapters/upstash-notification-ledger.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { perEnv } from "../../../shared/config/env.ts";
import { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { createLog } from "../../../shared/logging.ts";
import { flushingMetrics } from "../../../shared/ports/metrics.ts";
import type { TicketTracker } from "../../../shared/ports/ticket-tracker.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env, type NotifyConfig, routingOf } from "./env.ts";
import type { Channels, NotifyDeps } from "./handle.ts";

/** The composition root of notify: built once per isolate and env (every part is a stateless REST client). */
export const servicesFor = perEnv((env: Env): NotifyDeps => {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  const alertIndex = createUpstashAlertIndex(redis);
  const log = createLog("notify");
  const ticketTracker = ticketTrackerOf(config);
  const channels: Channels = {
    ...(config.TELEGRAM_BOT_TOKEN ? { telegram: createTelegramSender({ token: config.TELEGRAM_BOT_TOKEN, apiBase: config.TELEGRAM_API_BASE }) } : {}),
    slack: createSlackSender(),
    ...(config.SLACK_BOT_TOKEN ? { slackApp: createSlackApi({ token: config.SLACK_BOT_TOKEN, apiBase: config.SLACK_API_BASE }) } : {}),
    ...(config.PAGERDUTY_ROUTING_KEY
      ? { pagerduty: { routingKey: config.PAGERDUTY_ROUTING_KEY, send: createPagerDutySender({ eventsUrl: config.PAGERDUTY_EVENTS_URL }) } }
      : {}),
    ...(config.SENTRY_API_TOKEN
      ? { sentry: createSentrySender({ apiUrl: config.SENTRY_API_URL, token: config.SENTRY_API_TOKEN, org: config.SENTRY_ORG }) }
      : {}),
    ...(config.SMTP_HOST && config.SMTP_FROM
      ? {
          email: createSmtpMailSender({
            host: config.SMTP_HOST,
            port: config.SMTP_PORT,
            secure: config.SMTP_SECURE,
            user: config.SMTP_USER,
            password: config.SMTP_PASS,
            from: config.SMTP_FROM,
          }),
        }
      : {}),
    ...(ticketTracker ? { ticket: ticketTracker } : {}),
    ...(config.NOTIFY_WEBHOOK_URL && config.NOTIFY_WEBHOOK_SECRET
      ? { webhook: createWebhookSender({ url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET }) }
      : {}),
  };
  return {
    approvers: config.APPROVERS,
    linkKey: config.LINK_SIGNING_KEY,
    baseUrl: config.PUBLIC_BASE_URL,
    routing: routingOf(config),
    channels,
    ledger: createUpstashNotificationLedger(redis),
    live: createUpstashLiveMessages(redis),
    log,
    inbox: config.DEV_INBOX ? createUpstashDevInbox(redis) : undefined,
    occurrences: async (incidentId) => {
      const counters = await alertIndex.counters(incidentId);
      return counters
        ? { hitCount: counters.hitCount, firstSeen: new Date(counters.firstSeen).toISOString(), lastSeen: new Date(counters.lastSeen).toISOString() }
        : undefined;
    },
    deadLetter: (entry) => publish(env.DEAD_LETTER_QUEUE, DeadLetterV1, entry),
    smoke: createUpstashSmokeLedger(redis),
    metrics: createUpstashMetrics(redis, (error) => log("metrics_unavailable", { error: String(error) })),
    tickets: undefined,
    now: () => new Date(),
  };
});

function ticketTrackerOf(config: NotifyConfig): TicketTracker | undefined {
  if (config.TICKET_SYSTEM === "github" && config.GITHUB_TOKEN && config.GITHUB_REPOSITORY) {
    return createGitHubIssues({ token: config.GITHUB_TOKEN, repository: config.GITHUB_REPOSITORY, apiUrl: config.GITHUB_API_URL });
  }
  if (config.TICKET_SYSTEM === "jira" && config.JIRA_BASE_URL && config.JIRA_EMAIL && config.JIRA_API_TOKEN && config.JIRA_PROJECT_KEY) {
    return createJiraIssues({
      baseUrl: config.JIRA_BASE_URL,
      email: config.JIRA_EMAIL,
      apiToken: config.JIRA_API_TOKEN,
      projectKey: config.JIRA_PROJECT_KEY,
      issueType: config.JIRA_ISSUE_TYPE,
      doneTransition: config.JIRA_DONE_TRANSITION,
    });
  }
  return undefined;
}

/**
 * The one lifetime: `work` gets notify's services. The REST clients are per
 * isolate; with a ticket tracker, a database handle (where ticket references
 * live on the incident) lives exactly as long as `work` (one batch).
 */
export function withServices<T>(env: Env, work: (services: NotifyDeps) => Promise<T>): Promise<T> {
  const config = configOf(env);
  const services = servicesFor(env);
  if (config.TICKET_SYSTEM === "none" || !config.DATABASE_URL) return flushingMetrics(services, work);
  const connection = databaseConnectionOf({ ...config, DATABASE_URL: config.DATABASE_URL });
  return withDb(connection, (db) => flushingMetrics({ ...services, tickets: createIncidentTickets(db) }, work));
}
