import type { Kysely } from "kysely";
import { createHttpExecutor } from "../../../shared/adapters/http-executor.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { type Database, databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createDeadLetterStore } from "../../../shared/adapters/neon-kysely-dead-letter-store.ts";
import { createDigestSource } from "../../../shared/adapters/neon-kysely-digest-source.ts";
import { createExecutionStore, createLearningHistory } from "../../../shared/adapters/neon-kysely-execution-store.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createIncidentTickets } from "../../../shared/adapters/neon-kysely-incident-tickets.ts";
import { createStatsSource } from "../../../shared/adapters/neon-kysely-stats-source.ts";
import { createSlackApi } from "../../../shared/adapters/slack-web-api.ts";
import { createTelegramBot } from "../../../shared/adapters/telegram-bot-api.ts";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createUpstashDigestDays } from "../../../shared/adapters/upstash-digest-days.ts";
import { createUpstashLearningStats } from "../../../shared/adapters/upstash-learning-stats.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createRedis, type Redis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { createUpstashVolumeSource } from "../../../shared/adapters/upstash-volume-source.ts";
import { perEnv } from "../../../shared/config/env.ts";
import type { Priority } from "../../../shared/contracts/alert.ts";
import type { ApproverRoster } from "../../../shared/contracts/approval.ts";
import {
  ApprovalChangedV1,
  DigestReadyV1,
  ExecuteRequestedV1,
  IncidentAcknowledgedV1,
  IncidentEscalatedV1,
  NotifyRequestedV2,
  TicketRepeatedV1,
} from "../../../shared/contracts/queue.ts";
import type { RcaProvider } from "../../../shared/contracts/rca.ts";
import type { TokenPrice } from "../../../shared/domain/llm-usage.ts";
import type { SlaPolicy } from "../../../shared/domain/sla.ts";
import type { AppEnv } from "../../../shared/http/app.ts";
import type { Log } from "../../../shared/logging.ts";
import { createLog } from "../../../shared/logging.ts";
import type { AlertIndex } from "../../../shared/ports/alert-index.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { DeadLetterStore } from "../../../shared/ports/dead-letter-store.ts";
import type { DigestDays } from "../../../shared/ports/digest-days.ts";
import type { DigestSource } from "../../../shared/ports/digest-source.ts";
import type { ExecutionStore } from "../../../shared/ports/execution-store.ts";
import type { Executor } from "../../../shared/ports/executor.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";
import type { IncidentTickets } from "../../../shared/ports/incident-tickets.ts";
import type { LearningHistory, LearningStats } from "../../../shared/ports/learning.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import { flushingMetrics } from "../../../shared/ports/metrics.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import type { StatsSource, VolumeSource } from "../../../shared/ports/stats-source.ts";
import type { TelegramBot } from "../../../shared/ports/telegram-bot.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env } from "./env.ts";

export interface ApproveServices {
  readonly approvals: ApprovalStore;
  readonly incidents: IncidentStore;
  readonly executions: ExecutionStore;
  readonly deadLetters: DeadLetterStore;
  readonly stats: StatsSource;
  readonly volume: VolumeSource;
  readonly smoke: SmokeLedger;
  readonly learningHistory: LearningHistory;
  readonly learningStats: LearningStats;
  readonly alertIndex: AlertIndex;
  readonly metrics: Metrics;
  /** The raw client, for reads that are not a port's business (the metrics hash at scrape time). */
  readonly redis: Redis;
  readonly approvers: ApproverRoster;
  /** Current key first, then the previous one during rotation. */
  readonly linkKeys: readonly string[];
  /** Absent: approved actions are run by hand and reported on the approval page. */
  readonly executor: Executor | undefined;
  readonly executorSecret: string | undefined;
  readonly dryRun: boolean;
  readonly publicBaseUrl: string;
  /** Telegram button presses: absent unless TELEGRAM_WEBHOOK_SECRET (and the bot token) are set. */
  readonly telegram: { readonly bot: TelegramBot; readonly webhookSecret: string } | undefined;
  /** Slack interactions: absent unless SLACK_SIGNING_SECRET is set; `update` edits the clicked message (with SLACK_BOT_TOKEN). */
  readonly slack: { readonly signingSecret: string; readonly update: ReturnType<typeof createSlackApi>["update"] | undefined } | undefined;
  readonly sla: SlaPolicy;
  /** USD per million tokens per provider (LLM_PRICES over the defaults), for the LLM cost estimate. */
  readonly llmPrices: Readonly<Record<RcaProvider, TokenPrice>>;
  /** The highest escalation level per priority (`ESCALATION_MAX_LEVEL`). */
  readonly escalationCeiling: Readonly<Record<Priority, number>>;
  readonly publishNotify: (message: NotifyRequestedV2) => Promise<void>;
  readonly publishApprovalChange: (message: ApprovalChangedV1) => Promise<void>;
  readonly publishIncidentEscalation: (message: IncidentEscalatedV1) => Promise<void>;
  readonly publishAcknowledgement: (message: IncidentAcknowledgedV1) => Promise<void>;
  readonly publishExecute: (message: ExecuteRequestedV1) => Promise<void>;
  readonly publishDigest: (message: DigestReadyV1) => Promise<void>;
  readonly publishTicketRepeat: (message: TicketRepeatedV1) => Promise<void>;
  /** The daily digest: what it reads, which days went out, when it is due (undefined: on demand only), what counts as quiet. */
  readonly digest: DigestSource;
  readonly digestDays: DigestDays;
  readonly digestAt: { readonly hour: number; readonly minute: number } | undefined;
  readonly quietPriorities: ReadonlySet<Priority>;
  /** The tickets notify opened, for the hourly word on repeats. */
  readonly tickets: IncidentTickets;
  readonly log: Log;
  readonly now: () => Date;
}

/** What every approve route sees: its bindings, the request id, and the request's services. */
export type ApproveEnv = AppEnv<Env> & { Variables: { services: ApproveServices } };

/** Stateless REST clients and config-derived parts: built once per isolate. */
const statelessFor = perEnv((env: Env) => {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  const log = createLog("approve");
  return {
    config,
    log,
    redis,
    alertIndex: createUpstashAlertIndex(redis),
    learningStats: createUpstashLearningStats(redis),
    volume: createUpstashVolumeSource(redis),
    smoke: createUpstashSmokeLedger(redis),
    digestDays: createUpstashDigestDays(redis),
    metrics: createUpstashMetrics(redis, (error) => log("metrics_unavailable", { error: String(error) })),
    executor: config.EXECUTOR_URL && config.EXECUTOR_SECRET ? createHttpExecutor({ url: config.EXECUTOR_URL, secret: config.EXECUTOR_SECRET }) : undefined,
    telegram:
      config.TELEGRAM_WEBHOOK_SECRET && config.TELEGRAM_BOT_TOKEN
        ? {
            bot: createTelegramBot({ token: config.TELEGRAM_BOT_TOKEN, apiBase: config.TELEGRAM_API_BASE, log }),
            webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
          }
        : undefined,
    slack: config.SLACK_SIGNING_SECRET
      ? {
          signingSecret: config.SLACK_SIGNING_SECRET,
          update: config.SLACK_BOT_TOKEN ? createSlackApi({ token: config.SLACK_BOT_TOKEN, apiBase: config.SLACK_API_BASE }).update : undefined,
        }
      : undefined,
  };
});

/**
 * The one database lifetime: `work` runs with approve's services over a
 * database handle that lives exactly as long as it (one request, batch or
 * cron tick: a Workers WebSocket pool must not outlive its request).
 */
export function withServices<T>(env: Env, work: (services: ApproveServices) => Promise<T>): Promise<T> {
  return withDb(databaseConnectionOf(configOf(env)), (db) => flushingMetrics(servicesOn(env, db), work));
}

/** How an entry gets its services: `withServices`, or in tests one pooled handle for thousands of requests. */
export type ServicesScope = <T>(env: Env, work: (services: ApproveServices) => Promise<T>) => Promise<T>;

/**
 * The same services over a database handle someone else owns (and closes):
 * tests drive thousands of requests through one pooled handle this way.
 */
export function servicesOn(env: Env, db: Kysely<Database>): ApproveServices {
  const { config, log, redis, alertIndex, learningStats, metrics, executor, volume, smoke, telegram, slack, digestDays } = statelessFor(env);
  return {
    approvals: createApprovalStore(db),
    incidents: createIncidentStore(db),
    executions: createExecutionStore(db),
    deadLetters: createDeadLetterStore(db),
    stats: createStatsSource(db),
    volume,
    smoke,
    learningHistory: createLearningHistory(db),
    learningStats,
    alertIndex,
    metrics,
    redis,
    approvers: config.APPROVERS,
    linkKeys: [config.LINK_SIGNING_KEY, ...(config.LINK_SIGNING_KEY_PREVIOUS ? [config.LINK_SIGNING_KEY_PREVIOUS] : [])],
    executor,
    executorSecret: config.EXECUTOR_SECRET,
    dryRun: config.EXECUTOR_DRY_RUN,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    telegram,
    slack,
    sla: { responseSeconds: config.SLA_RESPONSE, resolutionSeconds: config.SLA_RESOLUTION },
    llmPrices: config.LLM_PRICES,
    escalationCeiling: config.ESCALATION_MAX_LEVEL,
    publishNotify: (message) => publish(env.NOTIFY_QUEUE, NotifyRequestedV2, message),
    publishApprovalChange: (message) => publish(env.NOTIFY_QUEUE, ApprovalChangedV1, message),
    publishIncidentEscalation: (message) => publish(env.NOTIFY_QUEUE, IncidentEscalatedV1, message),
    publishAcknowledgement: (message) => publish(env.NOTIFY_QUEUE, IncidentAcknowledgedV1, message),
    publishExecute: (message) => publish(env.EXECUTE_QUEUE, ExecuteRequestedV1, message),
    publishDigest: (message) => publish(env.NOTIFY_QUEUE, DigestReadyV1, message),
    publishTicketRepeat: (message) => publish(env.NOTIFY_QUEUE, TicketRepeatedV1, message),
    digest: createDigestSource(db),
    digestDays,
    digestAt: config.DIGEST_AT,
    quietPriorities: config.QUIET_PRIORITIES,
    tickets: createIncidentTickets(db),
    log,
    now: () => new Date(),
  };
}
