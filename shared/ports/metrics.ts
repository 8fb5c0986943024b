/** Label values of one metric sample, e.g. `{ provider: "ollama", reason: "timeout" }`. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Counters and timing sums recorded by the functions and aggregated in Redis,
 * so `/metrics` (approve) can expose them across isolates. Recording never
 * throws: a metric is not worth failing the work it describes.
 */
export interface Metrics {
  increment(name: string, labels?: MetricLabels, by?: number): Promise<void>;
  /** Adds an observation to a summary (`_sum` and `_count`). */
  observe(name: string, value: number, labels?: MetricLabels): Promise<void>;
}

export const noMetrics: Metrics = {
  increment: async () => {},
  observe: async () => {},
};

/** `name{a="1",b="2"}` with labels sorted: the field a sample is stored under. */
export function metricKey(name: string, labels: MetricLabels = {}): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key]!.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}
