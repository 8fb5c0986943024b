import type { ReadinessCheck } from "../http/readiness.ts";
import { createRedis, type Redis } from "./upstash-redis.ts";

export const redisReady = (redis: Redis): ReadinessCheck => ({
  name: "redis",
  probe: async () => {
    const answer = await redis.ping();
    if (answer !== "PONG") throw new Error(`PING answered ${JSON.stringify(answer)}`);
  },
});

/** Store settings a function may have; which of them are set decides what is probed. */
export interface StoreSettings {
  readonly UPSTASH_REDIS_REST_URL?: string | undefined;
  readonly UPSTASH_REDIS_REST_TOKEN?: string | undefined;
  readonly DATABASE_URL?: string | undefined;
  readonly NEON_WS_PROXY?: string | undefined;
  readonly DB_POOL_MAX?: number | undefined;
}

/**
 * The stores a function's parsed settings point at: Redis when configured,
 * Postgres when configured and the function passes its probe
 * (`postgres-readiness.ts`). The Postgres probe is passed in, not imported
 * here, so a Redis-only function (webhook-receive, notify) does not bundle
 * Kysely and the Neon driver.
 */
export function storeChecks(config: StoreSettings, postgres?: (config: StoreSettings & { DATABASE_URL: string }) => ReadinessCheck): ReadinessCheck[] {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, DATABASE_URL } = config;
  return [...(url && token ? [redisReady(createRedis({ url, token }))] : []), ...(DATABASE_URL && postgres ? [postgres({ ...config, DATABASE_URL })] : [])];
}
