// Turns the bench's measured units per alert into dollars per million alerts
// (docs/cost.md). Pure: the prices come from bench/prices.json or a file named
// by BENCH_PRICES, the units from the run.
import { z } from "zod/v4";

export const Prices = z.object({
  read_on: z.iso.date(),
  currency: z.literal("USD"),
  sources: z.record(z.string(), z.string()),
  workers_per_million_requests: z.number().min(0),
  workers_per_million_cpu_ms: z.number().min(0),
  queues_per_million_operations: z.number().min(0),
  upstash_per_million_commands: z.number().min(0),
  neon_per_cu_hour: z.number().min(0),
  monthly: z.object({ workers_paid_plan: z.number().min(0), neon_min_compute_cu: z.number().min(0) }),
  included_per_month: z.object({
    workers_requests: z.number().min(0),
    workers_cpu_ms: z.number().min(0),
    queue_operations: z.number().min(0),
    upstash_commands_free_plan: z.number().min(0),
  }),
});
export type Prices = z.infer<typeof Prices>;

/** What one alert of a traffic shape costs in billable units, averaged over the shape. */
export interface UnitsPerAlert {
  readonly worker_invocations: number;
  readonly worker_cpu_ms: number;
  readonly queue_operations: number;
  readonly upstash_commands: number;
  readonly postgres_statements: number;
  readonly postgres_transactions: number;
  readonly llm_calls: number;
  readonly llm_tokens: number;
}

/** The per-alert line items in USD, and their sum. Postgres is compute time (a monthly floor below), not per statement. */
export function usdPerAlert(u: UnitsPerAlert, p: Prices) {
  const items = {
    workers_requests: (u.worker_invocations * p.workers_per_million_requests) / 1e6,
    workers_cpu: (u.worker_cpu_ms * p.workers_per_million_cpu_ms) / 1e6,
    queue_operations: (u.queue_operations * p.queues_per_million_operations) / 1e6,
    upstash_commands: (u.upstash_commands * p.upstash_per_million_commands) / 1e6,
  };
  return { items, total: Object.values(items).reduce((a, b) => a + b, 0) };
}

/** A weighted mix of shapes (weights sum to 1). */
export function mixOf<K extends string>(perShape: Readonly<Record<K, number>>, weights: Readonly<Partial<Record<K, number>>>): number {
  return Object.entries(weights).reduce((sum, [shape, weight]) => sum + (perShape[shape as K] ?? 0) * (weight as number), 0);
}

/** Monthly costs that do not scale with alerts: the Workers Paid plan and the smallest Neon compute kept awake all month. */
export function monthlyFloor(p: Prices): { workers_paid_plan: number; neon_compute: number } {
  return { workers_paid_plan: p.monthly.workers_paid_plan, neon_compute: Number((p.monthly.neon_min_compute_cu * 730 * p.neon_per_cu_hour).toFixed(2)) };
}

/** How many alerts a month of the mix fit in each included allowance before it is billed. */
export function includedAlerts(u: UnitsPerAlert, p: Prices) {
  const alertsWithin = (allowance: number, perAlert: number) => (perAlert > 0 ? Math.floor(allowance / perAlert) : null);
  return {
    workers_requests: alertsWithin(p.included_per_month.workers_requests, u.worker_invocations),
    workers_cpu_ms: alertsWithin(p.included_per_month.workers_cpu_ms, u.worker_cpu_ms),
    queue_operations: alertsWithin(p.included_per_month.queue_operations, u.queue_operations),
    upstash_commands_free_plan: alertsWithin(p.included_per_month.upstash_commands_free_plan, u.upstash_commands),
  };
}
