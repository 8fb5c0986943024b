import { type NormalizedAlert, TEXT_LIMITS } from "../../contracts/alert.ts";
import type { AlertmanagerAlert, AlertmanagerWebhook } from "../../contracts/sources/alertmanager.ts";
import { classifySeverity } from "../severity.ts";
import { capPayload, clip } from "../text.ts";
import { inferResource } from "./resource.ts";

/**
 * Maps one Alertmanager alert onto the canonical payload. Group-level common
 * labels/annotations fill what an alert lacks; numeric annotations become metrics.
 */
export function normalizeAlertmanagerAlert(alert: AlertmanagerAlert, body: AlertmanagerWebhook, source = "alertmanager"): NormalizedAlert {
  const labels = { ...body.commonLabels, ...alert.labels };
  const annotations = { ...body.commonAnnotations, ...alert.annotations };
  const alertType = labels.alertname ?? "unknown";
  const { severity, priority } = classifySeverity(labels.severity ?? labels.priority);
  const message = annotations.summary ?? annotations.message ?? annotations.description ?? alertType;
  const description = annotations.description !== undefined && annotations.description !== message ? annotations.description : undefined;

  return {
    alert_type: clip(alertType, TEXT_LIMITS.alertType),
    severity,
    priority,
    source,
    status: alert.status,
    ...clipResource(inferResource(labels)),
    message: clip(message, TEXT_LIMITS.message),
    ...(description !== undefined ? { description: clip(description, TEXT_LIMITS.description) } : {}),
    ...metricsFrom(annotations),
    labels: clipLabels(labels),
    fired_at: alert.startsAt,
    ...(alert.fingerprint ? { source_fingerprint: alert.fingerprint } : {}),
    ...(alert.generatorURL ? { generator_url: clip(alert.generatorURL, 2_000) } : {}),
    raw_payload: capPayload(alert, TEXT_LIMITS.rawPayloadBytes),
  };
}

function clipResource(resource: ReturnType<typeof inferResource>) {
  return {
    ...(resource.namespace !== undefined ? { namespace: clip(resource.namespace, TEXT_LIMITS.name) } : {}),
    ...(resource.target_resource !== undefined ? { target_resource: clip(resource.target_resource, TEXT_LIMITS.name) } : {}),
    ...(resource.resource_type !== undefined ? { resource_type: resource.resource_type } : {}),
  };
}

function clipLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    out[clip(key, TEXT_LIMITS.name)] = clip(value, TEXT_LIMITS.labelValue);
  }
  return out;
}

function metricsFrom(annotations: Record<string, string>): { metrics?: Record<string, number> } {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(annotations)) {
    const trimmed = value.trim();
    if (trimmed !== "" && /^-?\d+(\.\d+)?$/.test(trimmed)) metrics[clip(key, TEXT_LIMITS.name)] = Number(trimmed);
  }
  return Object.keys(metrics).length > 0 ? { metrics } : {};
}
