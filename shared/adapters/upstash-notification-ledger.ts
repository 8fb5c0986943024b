import type { NotificationLedger } from "../ports/notification-ledger.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

export function createUpstashNotificationLedger(redis: Redis): NotificationLedger {
  return {
    async claim(key, ttlSeconds) {
      return (await redis.set(`${KEY_PREFIX}sent:${key}`, "1", { nx: true, ex: ttlSeconds })) === "OK";
    },
    async unclaim(key) {
      await redis.del(`${KEY_PREFIX}sent:${key}`);
    },
  };
}
