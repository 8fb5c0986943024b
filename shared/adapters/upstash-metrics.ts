import { type MetricLabels, type Metrics, metricKey } from "../ports/metrics.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** All samples live in one hash; `/metrics` reads it with one HGETALL. */
export const METRICS_KEY = `${KEY_PREFIX}metrics`;

export function createUpstashMetrics(redis: Redis, log: (error: unknown) => void = () => {}): Metrics {
  return {
    async increment(name, labels?: MetricLabels, by = 1) {
      await redis.hincrbyfloat(METRICS_KEY, metricKey(name, labels), by).catch(log);
    },
    async observe(name, value, labels?: MetricLabels) {
      const tx = redis.multi();
      tx.hincrbyfloat(METRICS_KEY, metricKey(`${name}_sum`, labels), value);
      tx.hincrbyfloat(METRICS_KEY, metricKey(`${name}_count`, labels), 1);
      await tx.exec().catch(log);
    },
  };
}
