import type { VolumeSource } from "../ports/stats-source.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** `awoooi:volume:<utc hour>` hashes (`alerts`, `opened`), written by the admission script. */
export function createUpstashVolumeSource(redis: Redis): VolumeSource {
  return {
    async hourly(fromHour, toHour) {
      const hours = Array.from({ length: Math.max(0, toHour - fromHour + 1) }, (_, i) => fromHour + i);
      if (hours.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const hour of hours) pipeline.hmget(`${KEY_PREFIX}volume:${hour}`, "alerts", "opened");
      // Without automatic deserialisation HMGET answers the raw array, in field order.
      const rows = (await pipeline.exec()) as Array<Array<string | null> | null>;
      return hours.map((hour, i) => {
        const [alerts, opened] = rows[i] ?? [];
        return { hour, alerts: Number(alerts ?? 0) || 0, opened: Number(opened ?? 0) || 0 };
      });
    },
  };
}
