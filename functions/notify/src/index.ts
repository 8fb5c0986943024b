import { createUpstashDevInbox } from "../../../shared/adapters/upstash-dev-inbox.ts";
import { createUpstashNotificationLedger } from "../../../shared/adapters/upstash-notification-ledger.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { perEnv } from "../../../shared/config/env.ts";
import { NotifyQueueMessage } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { configOf, type Env } from "./env.ts";
import { handleNotifyRequested, type NotifyDeps } from "./handle.ts";

const depsFor = perEnv((env: Env): NotifyDeps => {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  return {
    approvers: config.APPROVERS,
    linkKey: config.LINK_SIGNING_KEY,
    baseUrl: config.PUBLIC_BASE_URL,
    ledger: createUpstashNotificationLedger(redis),
    inbox: config.DEV_INBOX ? createUpstashDevInbox(redis) : undefined,
    now: () => new Date(),
  };
});

const app = newApp<Env>("notify");
app.get("/health", (c) => c.json({ service: "notify", ok: true }));

/** Local dev only: what notify would have sent, newest first. Absent unless DEV_INBOX is on. */
app.get("/dev/inbox", async (c) => {
  const { inbox } = depsFor(c.env);
  if (!inbox) return c.notFound();
  const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 50) || 50, 1), 500);
  return c.json({ messages: await inbox.list(limit) });
});

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const deps = depsFor(env);
    await consume(batch.messages, {
      queue: batch.queue,
      schema: NotifyQueueMessage,
      deadLetters: env.DEAD_LETTER_QUEUE,
      handle: (message) => handleNotifyRequested(message, deps),
    });
  },
} satisfies ExportedHandler<Env, unknown>;
