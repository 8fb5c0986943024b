import { Counter, Gauge, Registry } from "prom-client";
import { METRICS, type MetricDefinition, parseSampleKey } from "../../../shared/domain/metrics-catalog.ts";

type Labels = Record<string, string>;

/**
 * A histogram whose buckets were counted elsewhere (in Redis, across isolates
 * and functions): prom-client's Histogram only counts its own observations,
 * so this hands the registry the stored series in the shape it formats.
 */
class StoredHistogram {
  readonly name: string;
  readonly help: string;
  readonly series = new Map<string, { labels: Labels; buckets: Map<string, number>; bins: Map<string, number>; sum: number; count: number }>();

  /** The catalog's buckets: every scrape shows all of them, observed or not, as Prometheus expects. */
  readonly les: readonly string[];

  constructor(definition: MetricDefinition) {
    this.name = definition.name;
    this.help = definition.help;
    this.les = (definition.buckets ?? []).map(String);
  }

  /** `bucket`: a cumulative count as stored before bins (older data); `bin`: observations in that bucket alone. */
  add(part: "bucket" | "bin" | "sum" | "count", labels: Labels, value: number): void {
    const { le, ...rest } = labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const series = this.series.get(key) ?? { labels: rest, buckets: new Map(), bins: new Map(), sum: 0, count: 0 };
    if (part === "bucket" && le !== undefined) series.buckets.set(le, value);
    if (part === "bin" && le !== undefined) series.bins.set(le, value);
    if (part === "sum") series.sum = value;
    if (part === "count") series.count = value;
    this.series.set(key, series);
  }

  get() {
    const values = [...this.series.values()].flatMap((s) => {
      const les = [...new Set([...this.les, ...s.buckets.keys(), ...s.bins.keys()])].filter((le) => le !== "+Inf").sort((a, b) => Number(a) - Number(b));
      // Stored cumulative buckets (older data): one never incremented still reads as the largest count below it.
      // Bins add up from the smallest bucket; +Inf is every observation.
      let cumulative = 0;
      let binned = 0;
      const buckets = [...les, "+Inf"].map((le) => {
        cumulative = Math.max(cumulative, s.buckets.get(le) ?? cumulative);
        binned += s.bins.get(le) ?? 0;
        return { metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: le === "+Inf" ? s.count : cumulative + binned };
      });
      return [
        ...buckets,
        { metricName: `${this.name}_sum`, labels: s.labels, value: s.sum },
        { metricName: `${this.name}_count`, labels: s.labels, value: s.count },
      ];
    });
    return { name: this.name, help: this.help, type: "histogram", values, aggregator: "sum" };
  }
}

/**
 * Builds the scrape from the stored samples (`name{labels}` → value), filled
 * at scrape time so the numbers are the sums over every isolate of every
 * function. Unknown fields are skipped rather than exposed untyped.
 */
export async function prometheusText(stored: Readonly<Record<string, string | number>>): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const counters = new Map<string, Counter | Gauge>();
  const histograms = new Map<string, StoredHistogram>();
  for (const definition of METRICS) {
    if (definition.type === "histogram") {
      const histogram = new StoredHistogram(definition);
      histograms.set(definition.name, histogram);
      registry.registerMetric(histogram as never);
    } else {
      const options = { name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [registry] };
      counters.set(definition.name, definition.type === "counter" ? new Counter(options) : new Gauge(options));
    }
  }
  for (const [key, raw] of Object.entries(stored)) {
    const sample = parseSampleKey(key);
    const value = Number(raw);
    if (!sample || !Number.isFinite(value)) continue;
    const histogramPart = /^(.*)_(bucket|bin|sum|count)$/.exec(sample.name);
    const histogram = histogramPart ? histograms.get(histogramPart[1]!) : undefined;
    if (histogram && histogramPart) {
      histogram.add(histogramPart[2] as "bucket" | "bin" | "sum" | "count", sample.labels, value);
      continue;
    }
    const metric = counters.get(sample.name);
    if (!metric) continue;
    if (metric instanceof Counter) metric.inc(sample.labels, value);
    else metric.set(sample.labels, value);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
