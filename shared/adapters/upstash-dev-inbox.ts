import type { DevInbox, InboxMessage } from "../ports/dev-inbox.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const INBOX_KEY = `${KEY_PREFIX}dev-inbox`;
/** The inbox keeps the newest messages only; it is a dev convenience, not a record. */
const INBOX_CAPACITY = 500;

export function createUpstashDevInbox(redis: Redis): DevInbox {
  return {
    async deliver(message) {
      const tx = redis.multi();
      tx.lpush(INBOX_KEY, JSON.stringify(message));
      tx.ltrim(INBOX_KEY, 0, INBOX_CAPACITY - 1);
      await tx.exec();
    },
    async list(limit) {
      const rows = await redis.lrange<string>(INBOX_KEY, 0, Math.max(0, limit - 1));
      return rows.map((row) => JSON.parse(row) as InboxMessage);
    },
  };
}
