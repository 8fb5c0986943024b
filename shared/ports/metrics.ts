/** Label values of one metric sample, e.g. `{ provider: "ollama", reason: "timeout" }`. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Counters and timing sums recorded by the functions and aggregated in Redis,
 * so `/metrics` (approve) can expose them across isolates. Recording never
 * throws: a metric is not worth failing the work it describes.
 *
 * Counters and histograms may be held in memory until `flush()`: the scope
 * that built the services flushes when its work ends (a queue batch, a
 * request, a cron run), so a batch of ten incidents writes each field once.
 */
export interface Metrics {
  increment(name: string, labels?: MetricLabels, by?: number): Promise<void>;
  /** Adds an observation to a histogram (its bin from the metrics catalog, `_sum`, `_count`). */
  observe(name: string, value: number, labels?: MetricLabels): Promise<void>;
  /** Sets a gauge (e.g. a last-success timestamp), at once. */
  set(name: string, value: number, labels?: MetricLabels): Promise<void>;
  /** Writes what is held; never throws. */
  flush(): Promise<void>;
}

export const noMetrics: Metrics = {
  increment: async () => {},
  observe: async () => {},
  set: async () => {},
  flush: async () => {},
};

/**
 * The hash fields (and increments) one histogram observation adds: its bin
 * (`<name>_bin{le}`, counted per bin, not cumulatively), `_sum` and `_count`.
 */
export function histogramFields(name: string, value: number, bin: string, labels: MetricLabels = {}): Array<[field: string, delta: number]> {
  return [
    [metricKey(`${name}_bin`, { ...labels, le: bin }), 1],
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

/**
 * Runs `work` with `services` and then writes the metric samples it recorded
 * (Metrics.flush), whether it succeeded or not: what a batch or request did
 * is counted once, in one pipeline, when it ends.
 */
export async function flushingMetrics<S extends { readonly metrics: Metrics }, T>(services: S, work: (services: S) => Promise<T>): Promise<T> {
  try {
    return await work(services);
  } finally {
    await services.metrics.flush();
  }
}
