/**
 * Every metric the bundle records (names from the seeds), so recording and
 * exposition agree on types, labels and histogram buckets.
 */
export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  readonly labelNames: readonly string[];
  readonly buckets?: readonly number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
const ANALYSIS_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120] as const;

export const METRICS: readonly MetricDefinition[] = [
  {
    name: "awoooi_alerts_received_total",
    help: "Alerts received by webhook-receive, by source and outcome",
    type: "counter",
    labelNames: ["source", "status"],
  },
  { name: "awoooi_alerts_deduplicated_total", help: "Alerts folded into an existing incident, by reason", type: "counter", labelNames: ["reason"] },
  { name: "awoooi_last_alert_received_timestamp", help: "Unix time of the last alert received", type: "gauge", labelNames: [] },
  { name: "awoooi_webhook_latency_seconds", help: "Time to answer a webhook", type: "histogram", labelNames: ["webhook_type"], buckets: LATENCY_BUCKETS },
  { name: "awoooi_alert_storm_detected_total", help: "Alert storms detected (storm incidents opened)", type: "counter", labelNames: [] },
  { name: "awoooi_incidents_total", help: "Incidents opened, by source and severity", type: "counter", labelNames: ["source", "severity"] },
  {
    name: "awoooi_ollama_analysis_duration_seconds",
    help: "Time each analysis provider took",
    type: "histogram",
    labelNames: ["provider"],
    buckets: ANALYSIS_BUCKETS,
  },
  { name: "awoooi_ollama_fallback_total", help: "Providers passed over, by provider and reason", type: "counter", labelNames: ["provider", "reason"] },
  {
    name: "awoooi_llm_tokens_total",
    help: "Tokens the LLM providers reported, by provider and direction (input, output)",
    type: "counter",
    labelNames: ["provider", "direction"],
  },
  { name: "awoooi_approvals_created_total", help: "Approvals created, by risk level", type: "counter", labelNames: ["risk_level"] },
  {
    name: "awoooi_incidents_auto_resolved_total",
    help: "Incidents resolved automatically (auto-approved, executed for real, succeeded)",
    type: "counter",
    labelNames: ["source", "action_type"],
  },
  { name: "awoooi_incidents_human_resolved_total", help: "Incidents settled by a human decision", type: "counter", labelNames: ["source", "risk_level"] },
  { name: "awoooi_notifications_total", help: "Notification deliveries, by channel and outcome", type: "counter", labelNames: ["channel", "outcome"] },
  {
    name: "awoooi_message_edits_total",
    help: "Chat messages edited in place as their incident moved, by channel and outcome",
    type: "counter",
    labelNames: ["channel", "outcome"],
  },
  { name: "awoooi_dead_letters_total", help: "Messages recorded as dead letters, by queue", type: "counter", labelNames: ["queue"] },
  { name: "awoooi_alert_chain_last_success_timestamp", help: "Unix time the last end-to-end smoke run completed", type: "gauge", labelNames: [] },
  { name: "awoooi_alert_chain_smoke_failures_total", help: "Smoke runs that did not complete in time", type: "counter", labelNames: [] },
];

export const METRIC_BY_NAME: ReadonlyMap<string, MetricDefinition> = new Map(METRICS.map((m) => [m.name, m]));

/**
 * The one bucket an observation is stored in: the smallest `le` at or above
 * it, else +Inf. Buckets are stored per bin (not cumulatively) so that an
 * observation costs one write, not one per bucket above it; the exposition
 * adds them up (functions/approve/src/prometheus.ts).
 */
export function binFor(value: number, buckets: readonly number[]): string {
  const above = buckets.filter((le) => value <= le);
  return above.length > 0 ? String(Math.min(...above)) : "+Inf";
}

export interface StoredSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses a `name{a="1",b="2"}` field (see ports/metrics.ts metricKey) back into name and labels. */
export function parseSampleKey(key: string): { name: string; labels: Record<string, string> } | undefined {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(key);
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  const body = match[2] ?? "";
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;
  let consumed = 0;
  for (const m of body.matchAll(label)) {
    if (m.index !== consumed) return undefined;
    labels[m[1]!] = m[2]!.replaceAll('\\"', '"').replaceAll("\\\\", "\\");
    consumed = m.index + m[0].length;
  }
  if (consumed !== body.length) return undefined;
  return { name: match[1]!, labels };
}

/**
 * A catalogued metric's name, for code that cannot call the metrics port (the
 * ingest Lua script writes its counters itself): a name not in the catalog
 * fails at module load, not silently at scrape time.
 */
export function catalogued(name: string): string {
  if (!METRIC_BY_NAME.has(name)) throw new Error(`metric ${name} is not in the catalog (shared/domain/metrics-catalog.ts)`);
  return name;
}
