import { bucketsFor, METRIC_BY_NAME } from "../domain/metrics-catalog.ts";
import { histogramFields, type MetricLabels, type Metrics, metricKey } from "../ports/metrics.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** All samples live in one hash; `/metrics` reads it with one HGETALL. */
export const METRICS_KEY = `${KEY_PREFIX}metrics`;

const DEFAULT_BUCKETS = [0.01, 0.1, 1, 10] as const;

export function createUpstashMetrics(redis: Redis, log: (error: unknown) => void = () => {}): Metrics {
  return {
    async increment(name, labels?: MetricLabels, by = 1) {
      await redis.hincrbyfloat(METRICS_KEY, metricKey(name, labels), by).catch(log);
    },
    async observe(name, value, labels?: MetricLabels) {
      const buckets = bucketsFor(value, METRIC_BY_NAME.get(name)?.buckets ?? DEFAULT_BUCKETS);
      const tx = redis.multi();
      for (const [field, delta] of histogramFields(name, value, buckets, labels)) tx.hincrbyfloat(METRICS_KEY, field, delta);
      await tx.exec().catch(log);
    },
    async set(name, value, labels?: MetricLabels) {
      await redis.hset(METRICS_KEY, { [metricKey(name, labels)]: value }).catch(log);
    },
  };
}
