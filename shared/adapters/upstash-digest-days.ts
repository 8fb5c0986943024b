import type { Redis } from "@upstash/redis";
import type { DigestDays } from "../ports/digest-days.ts";

/** Claims outlive the day they name by a day: long enough to never send twice, short enough to clean up. */
const CLAIM_SECONDS = 2 * 86_400;

export function createUpstashDigestDays(redis: Redis): DigestDays {
  const key = (day: string) => `digest:sent:${day}`;
  return {
    async claim(day) {
      return (await redis.set(key(day), "1", { nx: true, ex: CLAIM_SECONDS })) === "OK";
    },
    async release(day) {
      await redis.del(key(day));
    },
  };
}
