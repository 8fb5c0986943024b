/** Label values of one metric sample, e.g. `{ provider: "ollama", reason: "timeout" }`. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Counters and timing sums recorded by the functions and aggregated in Redis,
 * so `/metrics` (approve) can expose them across isolates. Recording never
 * throws: a metric is not worth failing the work it describes.
 */
export interface Metrics {
  increment(name: string, labels?: MetricLabels, by?: number): Promise<void>;
  /** Adds an observation to a histogram (its buckets from the metrics catalog, `_sum`, `_count`). */
  observe(name: string, value: number, labels?: MetricLabels): Promise<void>;
  /** Sets a gauge (e.g. a last-success timestamp). */
  set(name: string, value: number, labels?: MetricLabels): Promise<void>;
}

export const noMetrics: Metrics = {
  increment: async () => {},
  observe: async () => {},
  set: async () => {},
};

/** The hash fields (and increments) one histogram observation adds. */
export function histogramFields(name: string, value: number, buckets: readonly string[], labels: MetricLabels = {}): Array<[field: string, delta: number]> {
  return [
    ...buckets.map((le): [string, number] => [metricKey(`${name}_bucket`, { ...labels, le }), 1]),
    [metricKey(`${name}_sum`, labels), value],
    [metricKey(`${name}_count`, labels), 1],
  ];
}

/** `name{a="1",b="2"}` with labels sorted: the field a sample is stored under. */
export function metricKey(name: string, labels: MetricLabels = {}): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key]!.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}
