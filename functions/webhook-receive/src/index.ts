import { WorkerEntrypoint } from "cloudflare:workers";
import { createSlackSender } from "../../../shared/adapters/slack-webhook-sender.ts";
import { createTelegramSender } from "../../../shared/adapters/telegram-bot-sender.ts";
import { createUpstashMetrics } from "../../../shared/adapters/upstash-metrics.ts";
import { createUpstashParkingLot } from "../../../shared/adapters/upstash-parking-lot.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { AnalyzeQueueMessage, DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { createLog } from "../../../shared/logging.ts";
import { flushingMetrics } from "../../../shared/ports/metrics.ts";
import { publish, publishAll } from "../../../shared/queue/publish.ts";
import { createApp } from "./app.ts";
import { drainParked } from "./drain-parked.ts";
import { configOf, type Env } from "./env.ts";
import { type SmokeTick, smokeTick } from "./smoke.ts";

const app = createApp();
const log = createLog("webhook-receive");

/** Re-enqueues alerts parked while the queue was unavailable. */
function drain(env: Env) {
  const config = configOf(env);
  const parking = createUpstashParkingLot(createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }));
  return drainParked({
    parking,
    enqueue: (messages) => publishAll(env.ANALYZE_QUEUE, AnalyzeQueueMessage, messages),
    deadLetter: (message) => publish(env.DEAD_LETTER_QUEUE, DeadLetterV1, message),
    log,
    now: () => new Date(),
  });
}

/** The chain smoke test's tick: the synthetic alert goes through this very app, as any sender's would. */
function smoke(env: Env, ctx: ExecutionContext, nowMs: number): Promise<SmokeTick> {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  const token = config.WEBHOOK_TOKEN_ALERTS ?? config.WEBHOOK_TOKEN;
  const telegramSend =
    config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_CHAT_ID
      ? createTelegramSender({ token: config.TELEGRAM_BOT_TOKEN, apiBase: config.TELEGRAM_API_BASE }).send
      : undefined;
  const slackSend = config.SLACK_WEBHOOK_URL ? createSlackSender() : undefined;
  const metrics = createUpstashMetrics(redis);
  return flushingMetrics({ metrics }, () =>
    smokeTick(
      {
        ledger: createUpstashSmokeLedger(redis),
        metrics,
        postAlert: async (alert) => {
          const request = new Request("https://awoooi.internal/api/v1/webhooks/alerts", {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify(alert),
          });
          return (await app.fetch(request, env, ctx)).status;
        },
        alarm: {
          ...(telegramSend && config.TELEGRAM_CHAT_ID ? { telegram: (message) => telegramSend(config.TELEGRAM_CHAT_ID!, message) } : {}),
          ...(slackSend && config.SLACK_WEBHOOK_URL ? { slack: (message) => slackSend(config.SLACK_WEBHOOK_URL!, message) } : {}),
        },
        intervalMs: config.SMOKE_INTERVAL_SECONDS * 1000,
        deadlineMs: config.SMOKE_DEADLINE_SECONDS * 1000,
        randomHex: () => crypto.randomUUID().replaceAll("-", ""),
        log,
      },
      nowMs,
    ),
  );
}

/** The cron's work for the local gateway, which calls it once a minute (`wrangler dev` fires no crons). */
export class Cron extends WorkerEntrypoint<Env> {
  async run(scheduledTime: number): Promise<{ parked: unknown; smoke: SmokeTick }> {
    const [parked, tick] = await Promise.all([drain(this.env), smoke(this.env, this.ctx, scheduledTime)]);
    return { parked, smoke: tick };
  }
}

export default {
  fetch: app.fetch,

  /** Every minute: re-enqueue parked alerts, and run the chain smoke test when its interval has passed. */
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(drain(env));
    ctx.waitUntil(smoke(env, ctx, controller.scheduledTime).then((tick) => log("smoke_tick", { ...tick })));
  },
} satisfies ExportedHandler<Env>;
