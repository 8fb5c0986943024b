import { WorkerEntrypoint } from "cloudflare:workers";
import { createUpstashParkingLot } from "../../../shared/adapters/upstash-parking-lot.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { publishAll } from "../../../shared/queue/publish.ts";
import { createApp } from "./app.ts";
import { drainParked } from "./drain-parked.ts";
import { configOf, type Env } from "./env.ts";

const app = createApp();

/** Re-enqueues alerts parked while the queue was unavailable. */
function drain(env: Env) {
  const config = configOf(env);
  const parking = createUpstashParkingLot(createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }));
  return drainParked({
    parking,
    enqueue: (messages) => publishAll(env.ANALYZE_QUEUE, AnalyzeQueueMessage, messages),
    log: (event) => console.log(JSON.stringify({ service: "webhook-receive", ...event })),
  });
}

/** The cron's work for the local gateway, which calls it once a minute (`wrangler dev` fires no crons). */
export class Cron extends WorkerEntrypoint<Env> {
  async run(_scheduledTime: number): Promise<void> {
    await drain(this.env);
  }
}

export default {
  fetch: app.fetch,

  /** Every minute: re-enqueue alerts parked while the queue was unavailable. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(drain(env));
  },
} satisfies ExportedHandler<Env>;
