import * as z from "zod/v4";

/**
 * Cluster and metric context for one alert, gathered by the relay next to the
 * cluster (`POST /v1/context`) and stored on the incident. Every part is
 * optional: what could not be read is named in `missing`, never fatal.
 */

const Name = z.string().max(253);
const Text = z.string().max(500);

export const PodContext = z.object({
  name: Name,
  phase: z.string().max(32),
  /** Containers ready / all containers. */
  ready: z.string().max(16),
  restarts: z.number().int().min(0),
  /** The waiting reason of a container that is not running (CrashLoopBackOff, ImagePullBackOff…). */
  waiting_reason: z.string().max(128).optional(),
  last_termination: z.object({ reason: z.string().max(128), exit_code: z.number().int().optional(), finished_at: z.string().max(64).optional() }).optional(),
});
export type PodContext = z.infer<typeof PodContext>;

export const DeploymentContext = z.object({
  name: Name,
  desired: z.number().int().min(0),
  ready: z.number().int().min(0),
  available: z.number().int().min(0),
  updated: z.number().int().min(0),
  /** `deployment.kubernetes.io/revision`. */
  revision: z.string().max(16).optional(),
  /** Seconds since the current revision's ReplicaSet was created (a rollback reuses an older one). */
  revision_age_seconds: z.number().int().min(0).optional(),
});
export type DeploymentContext = z.infer<typeof DeploymentContext>;

export const EventContext = z.object({
  type: z.string().max(16),
  reason: z.string().max(128),
  object: z.string().max(300),
  message: Text,
  count: z.number().int().min(0),
  last_seen: z.string().max(64).optional(),
});
export type EventContext = z.infer<typeof EventContext>;

export const SeriesSummary = z.object({
  labels: z.record(z.string().max(128), z.string().max(200)),
  now: z.number().nullable(),
  /** Over the last hour; absent when the range query returned no samples for this series. */
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  samples: z.number().int().min(0).optional(),
});
export type SeriesSummary = z.infer<typeof SeriesSummary>;

export const MetricContext = z.object({
  query: z.string().max(2_000),
  series: z.array(SeriesSummary).max(10),
});
export type MetricContext = z.infer<typeof MetricContext>;

export const ContextPart = z.enum(["pod", "deployment", "events", "metrics"]);
export type ContextPart = z.infer<typeof ContextPart>;

export const ClusterContext = z.object({
  collected_at: z.iso.datetime({ offset: true }),
  duration_ms: z.number().int().min(0),
  pod: PodContext.optional(),
  deployment: DeploymentContext.optional(),
  events: z.array(EventContext).max(20).optional(),
  metrics: MetricContext.optional(),
  /** Parts that could not be gathered, and why (no access, not found, timed out, cut for size). */
  missing: z.array(z.object({ part: ContextPart, reason: z.string().max(300) })).max(8),
});
export type ClusterContext = z.infer<typeof ClusterContext>;

/** analyze → relay (`POST /v1/context`, HMAC-signed like a job). */
export const ContextRequest = z.object({
  incident_id: z.uuid(),
  namespace: z.string().max(253).optional(),
  target_resource: z.string().max(253).optional(),
  resource_type: z.string().max(32).optional(),
  labels: z.record(z.string().max(253), z.string().max(1_000)).default({}),
  /** The alert's link back to Prometheus; its `g0.expr` is the PromQL evaluated. */
  generator_url: z.string().max(2_000).optional(),
  /** How long the relay may spend gathering, in ms (default 2000). */
  budget_ms: z.number().int().min(100).max(10_000).optional(),
});
export type ContextRequest = z.infer<typeof ContextRequest>;

/** True when the context holds anything worth showing or prompting with. */
export function hasContext(context: ClusterContext | undefined): context is ClusterContext {
  return Boolean(context && (context.pod || context.deployment || context.events?.length || context.metrics?.series.length));
}
