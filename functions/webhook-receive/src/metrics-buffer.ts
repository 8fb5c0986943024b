import { bucketsFor, METRIC_BY_NAME } from "../../../shared/domain/metrics-catalog.ts";
import { histogramFields, type MetricLabels, metricKey } from "../../../shared/ports/metrics.ts";

/**
 * Metric samples this isolate owes the metrics hash. Ingest spends exactly one
 * Redis round trip per request, so samples known only after a request ends
 * (its latency, a refusal before admission) ride along with the next
 * request's admission script instead of costing a call of their own.
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
    const definition = METRIC_BY_NAME.get(name);
    for (const [field, delta] of histogramFields(name, value, bucketsFor(value, definition?.buckets ?? []), labels)) this.add(field, delta);
  }

  /** Takes everything owed; hand it back with `restore` if it could not be written. */
  drain(): Array<[string, number]> {
    const taken = [...this.pending.entries()];
    this.pending.clear();
    return taken;
  }

  restore(samples: ReadonlyArray<readonly [string, number]>): void {
    for (const [field, delta] of samples) this.add(field, delta);
  }
}
