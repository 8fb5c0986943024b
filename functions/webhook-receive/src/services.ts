import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createUpstashParkingLot } from "../../../shared/adapters/upstash-parking-lot.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import { perEnv } from "../../../shared/config/env.ts";
import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { MetricsBuffer } from "../../../shared/domain/metrics-buffer.ts";
import { createLog } from "../../../shared/logging.ts";
import { publishAll } from "../../../shared/queue/publish.ts";
import { configOf, type Env } from "./env.ts";
import type { IngestDeps } from "./ingest.ts";

/** Per isolate: what this isolate's requests owe the metrics hash (see metrics-buffer.ts). */
const metricsBuffer = new MetricsBuffer();

/** The composition root of the webhook path: built once per isolate and env (every part is a stateless REST client). */
export const servicesFor = perEnv((env: Env): IngestDeps => {
  const config = configOf(env);
  const redis = createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  const parking = createUpstashParkingLot(redis);
  return {
    index: createUpstashAlertIndex(redis, { dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS }),
    enqueue: (messages) => publishAll(env.ANALYZE_QUEUE, AnalyzeQueueMessage, messages),
    park: (messages) => parking.park(messages),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    log: createLog("webhook-receive"),
    metrics: metricsBuffer,
    smoke: createUpstashSmokeLedger(redis),
  };
});
