import * as z from "zod/v4";
import { AlertStatus, MetricValue, ResourceType, TEXT_LIMITS } from "../alert.ts";

/**
 * The canonical payload as senders post it to `/api/v1/webhooks/alerts`
 * (seed 000 §3.2): `severity` also accepts `high` and `error` (P1); `status`
 * defaults to firing and `fired_at` to the time of receipt.
 */
export const CanonicalAlertInput = z.object({
  alert_type: z.string().min(1).max(TEXT_LIMITS.alertType),
  severity: z.enum(["info", "warning", "critical", "high", "error"]),
  source: z.string().min(1).max(TEXT_LIMITS.source),
  status: AlertStatus.optional(),
  namespace: z.string().min(1).max(TEXT_LIMITS.name).optional(),
  target_resource: z.string().min(1).max(TEXT_LIMITS.name).optional(),
  resource_type: ResourceType.optional(),
  message: z.string().min(1).max(20_000),
  description: z.string().max(100_000).optional(),
  metrics: z.record(z.string().max(TEXT_LIMITS.name), MetricValue).optional(),
  labels: z.record(z.string().max(TEXT_LIMITS.name), z.string().max(TEXT_LIMITS.labelValue)).optional(),
  fired_at: z.iso.datetime({ offset: true }).optional(),
  source_fingerprint: z.string().max(128).optional(),
  generator_url: z.string().max(2_000).optional(),
  raw_payload: z.unknown().optional(),
});
export type CanonicalAlertInput = z.infer<typeof CanonicalAlertInput>;

/** One alert, an array of alerts, or `{ "alerts": [...] }` — at most 1,000. */
export const CanonicalAlertsBody = z.union([
  CanonicalAlertInput.transform((alert) => [alert]),
  z.array(CanonicalAlertInput).min(1).max(1_000),
  z.object({ alerts: z.array(CanonicalAlertInput).min(1).max(1_000) }).transform((body) => body.alerts),
]);
