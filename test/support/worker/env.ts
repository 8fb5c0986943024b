import { env } from "cloudflare:workers";
import { createDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";

/** The test project's bindings: its wrangler config plus the injected backing services and dev defaults. */
export const testEnv = env as unknown as Record<string, string> & Record<string, unknown>;

export const redisForTests = () => createRedis({ url: testEnv.UPSTASH_REDIS_REST_URL!, token: testEnv.UPSTASH_REDIS_REST_TOKEN! });

export const dbForTests = (poolMax = 1) => createDb({ url: testEnv.DATABASE_URL!, wsProxy: testEnv.NEON_WS_PROXY, poolMax });
