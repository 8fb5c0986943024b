import { sql } from "kysely";
import type { ReadinessCheck } from "../http/readiness.ts";
import { type DatabaseConnection, withDb } from "./neon-kysely-db.ts";
import type { Redis } from "./upstash-redis.ts";

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
