import type { NotificationLedger } from "../ports/notification-ledger.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const keyOf = (key: string) => `${KEY_PREFIX}sent:${key}`;

// Claim or report, in one round trip.
const BEGIN_SCRIPT = `
if redis.call('SET', KEYS[1], 'inflight', 'NX', 'EX', ARGV[1]) then return 'go' end
if redis.call('GET', KEYS[1]) == 'inflight' then return 'busy' end
return 'done'
`;

export function createUpstashNotificationLedger(redis: Redis): NotificationLedger {
  const begin = redis.createScript<string>(BEGIN_SCRIPT);
  return {
    async begin(key, inFlightSeconds) {
      const state = await begin.exec([keyOf(key)], [String(inFlightSeconds)]);
      return state === "go" || state === "busy" ? state : "done";
    },
    async complete(key, ttlSeconds) {
      await redis.set(keyOf(key), "done", { ex: ttlSeconds });
    },
    async abandon(key) {
      await redis.del(keyOf(key));
    },
  };
}
