import type { ParkingLot } from "../ports/parking-lot.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const KEY = `${KEY_PREFIX}parked`;

/** A Redis list: new messages at the head, the oldest taken from the tail. */
export function createUpstashParkingLot(redis: Redis): ParkingLot {
  return {
    async park(messages) {
      if (messages.length === 0) return;
      await redis.lpush(KEY, ...messages.map((m) => JSON.stringify(m)));
    },
    async take(limit) {
      const rows = (await redis.rpop<string[]>(KEY, limit)) ?? [];
      return rows.map((row) => JSON.parse(row) as unknown);
    },
    async putBack(messages) {
      if (messages.length === 0) return;
      await redis.rpush(KEY, ...[...messages].reverse().map((m) => JSON.stringify(m)));
    },
    async size() {
      return redis.llen(KEY);
    },
  };
}
