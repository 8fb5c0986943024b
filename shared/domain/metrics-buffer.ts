import { histogramFields, type MetricLabels, metricKey } from "../ports/metrics.ts";
import { binFor, METRIC_BY_NAME } from "./metrics-catalog.ts";

/** Buckets of a histogram the catalog does not know (tests, a metric added without an entry). */
const DEFAULT_BUCKETS = [0.01, 0.1, 1, 10] as const;

/**
 * Metric samples owed to the metrics hash, summed per field: ingest's samples
 * ride along with the next request's admission script, and the other
 * functions write a batch's or a request's samples in one go when it ends.
 */
export class MetricsBuffer {
  private readonly pending = new Map<string, number>();
  private readonly maxFields: number;

  /** At most `maxFields` distinct fields are kept; beyond it new fields are dropped (metrics are not worth memory). */
  constructor(maxFields = 500) {
    this.maxFields = maxFields;
  }

  add(field: string, delta: number): void {
    if (!this.pending.has(field) && this.pending.size >= this.maxFields) return;
    this.pending.set(field, (this.pending.get(field) ?? 0) + delta);
  }

  increment(name: string, labels?: MetricLabels, by = 1): void {
    this.add(metricKey(name, labels), by);
  }

  observe(name: string, value: number, labels?: MetricLabels): void {
    const buckets = METRIC_BY_NAME.get(name)?.buckets ?? DEFAULT_BUCKETS;
    for (const [field, delta] of histogramFields(name, value, binFor(value, buckets), labels)) this.add(field, delta);
  }

  /** Takes everything owed; hand it back with `restore` if it could not be written. */
  drain(): Array<[string, number]> {
    const taken = [...this.pending.entries()];
    this.pending.clear();
    return taken;
  }

  get size(): number {
    return this.pending.size;
  }

  restore(samples: ReadonlyArray<readonly [string, number]>): void {
    for (const [field, delta] of samples) this.add(field, delta);
  }
}
