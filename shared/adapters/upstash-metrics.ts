import { MetricsBuffer } from "../domain/metrics-buffer.ts";
import { type MetricLabels, type Metrics, metricKey } from "../ports/metrics.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** All samples live in one hash; `/metrics` reads it with one HGETALL. */
export const METRICS_KEY = `${KEY_PREFIX}metrics`;

/**
 * Metrics in the Redis hash. Counters and histograms are summed in memory and
 * written by `flush()` as one pipeline with one HINCRBYFLOAT per field: a
 * batch of ten incidents costs a handful of commands rather than a dozen per
 * incident (each Upstash command is billed). A failed flush keeps the samples
 * for the next one; the buffer is bounded, so a long outage drops new fields.
 */
export function createUpstashMetrics(redis: Redis, log: (error: unknown) => void = () => {}): Metrics {
  const buffer = new MetricsBuffer();
  return {
    async increment(name, labels?: MetricLabels, by = 1) {
      buffer.increment(name, labels, by);
    },
    async observe(name, value, labels?: MetricLabels) {
      buffer.observe(name, value, labels);
    },
    async set(name, value, labels?: MetricLabels) {
      await redis.hset(METRICS_KEY, { [metricKey(name, labels)]: value }).catch(log);
    },
    async flush() {
      if (buffer.size === 0) return;
      const samples = buffer.drain();
      const pipeline = redis.pipeline();
      for (const [field, delta] of samples) pipeline.hincrbyfloat(METRICS_KEY, field, delta);
      await pipeline.exec().catch((error: unknown) => {
        buffer.restore(samples);
        log(error);
      });
    },
  };
}
