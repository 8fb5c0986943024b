import { sql } from "kysely";
import type { ReadinessCheck } from "../http/readiness.ts";
import { type DatabaseConnection, databaseConnectionOf, withDb } from "./neon-kysely-db.ts";
import { createRedis, type Redis } from "./upstash-redis.ts";

export const redisReady = (redis: Redis): ReadinessCheck => ({
  name: "redis",
  probe: async () => {
    const answer = await redis.ping();
    if (answer !== "PONG") throw new Error(`PING answered ${JSON.stringify(answer)}`);
  },
});

export const postgresReady = (connection: DatabaseConnection): ReadinessCheck => ({
  name: "postgres",
  probe: () => withDb(connection, (db) => sql`select 1`.execute(db)),
});

/** The stores a function's parsed settings point at: Redis when configured, Postgres when configured. */
export function storeChecks(config: {
  readonly UPSTASH_REDIS_REST_URL?: string | undefined;
  readonly UPSTASH_REDIS_REST_TOKEN?: string | undefined;
  readonly DATABASE_URL?: string | undefined;
  readonly NEON_WS_PROXY?: string | undefined;
  readonly DB_POOL_MAX?: number | undefined;
}): ReadinessCheck[] {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, DATABASE_URL } = config;
  return [
    ...(url && token ? [redisReady(createRedis({ url, token }))] : []),
    ...(DATABASE_URL ? [postgresReady(databaseConnectionOf({ ...config, DATABASE_URL }))] : []),
  ];
}
