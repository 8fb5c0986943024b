import * as z from "zod/v4";

/** Normalized severity. Sources' own levels are mapped onto these three plus a priority. */
export const Severity = z.enum(["info", "warning", "critical"]);
export type Severity = z.infer<typeof Severity>;

/** P0 (page now) … P3 (whenever). Drives SLA, expiry and routing. */
export const Priority = z.enum(["P0", "P1", "P2", "P3"]);
export type Priority = z.infer<typeof Priority>;

export const AlertStatus = z.enum(["firing", "resolved"]);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const ResourceType = z.enum(["pod", "deployment", "service", "node"]);
export type ResourceType = z.infer<typeof ResourceType>;

/** 16 lowercase hex digits: first 64 bits of SHA-256 over `alert_type:namespace:target_resource`. */
export const Fingerprint = z.string().regex(/^[0-9a-f]{16}$/, "must be 16 lowercase hex digits");
export type Fingerprint = z.infer<typeof Fingerprint>;

export const IncidentId = z.uuid();
export type IncidentId = z.infer<typeof IncidentId>;

/** Length caps for untrusted text; they bound prompts, messages and rows. */
export const TEXT_LIMITS = {
  alertType: 200,
  source: 64,
  name: 253,
  message: 2_000,
  description: 8_000,
  labelValue: 1_000,
  /** raw_payload is kept for humans only; larger payloads are replaced by a truncation marker. */
  rawPayloadBytes: 16_384,
} as const;

export const MetricValue = z.union([z.number(), z.string().max(TEXT_LIMITS.labelValue), z.boolean()]);

/**
 * The canonical alert every source adapter produces (seed 000 §3.2, extended with
 * status, priority, labels and the source's own fingerprint).
 */
export const NormalizedAlert = z.object({
  alert_type: z.string().min(1).max(TEXT_LIMITS.alertType),
  severity: Severity,
  priority: Priority,
  source: z.string().min(1).max(TEXT_LIMITS.source),
  status: AlertStatus,
  namespace: z.string().max(TEXT_LIMITS.name).optional(),
  target_resource: z.string().max(TEXT_LIMITS.name).optional(),
  resource_type: ResourceType.optional(),
  message: z.string().max(TEXT_LIMITS.message),
  description: z.string().max(TEXT_LIMITS.description).optional(),
  metrics: z.record(z.string().max(TEXT_LIMITS.name), MetricValue).optional(),
  labels: z.record(z.string().max(TEXT_LIMITS.name), z.string().max(TEXT_LIMITS.labelValue)).optional(),
  fired_at: z.iso.datetime({ offset: true }),
  source_fingerprint: z.string().max(128).optional(),
  /** Deep link back to the source (Prometheus graph, Grafana panel, Sentry issue). */
  generator_url: z.string().max(2_000).optional(),
  raw_payload: z.unknown().optional(),
  /** Set when instruction-like text was redacted from the alert (see shared/domain/scrub.ts). */
  scrubbed: z.boolean().optional(),
  /** Fields shortened so the alert fits one queue message, in the order they were trimmed (shared/domain/queue-fit.ts). */
  trimmed: z.array(z.enum(["raw_payload", "labels", "metrics", "description", "message"])).optional(),
});
export type NormalizedAlert = z.infer<typeof NormalizedAlert>;
