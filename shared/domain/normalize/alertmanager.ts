import { type NormalizedAlert, TEXT_LIMITS } from "../../contracts/alert.ts";
import type { AlertmanagerAlert, AlertmanagerWebhook } from "../../contracts/sources/alertmanager.ts";
import { classifySeverity } from "../severity.ts";
import { capPayload, clip } from "../text.ts";
import { inferResource } from "./resource.ts";

/** The group-level fields Alertmanager-style senders (Alertmanager, SigNoz, Grafana) share. */
export interface AlertGroup {
  readonly commonLabels?: Record<string, string> | undefined;
  readonly commonAnnotations?: Record<string, string> | undefined;
}

/** Per-source touches on top of the shared Alertmanager-style mapping. */
export interface SourceExtras {
  readonly metrics?: Record<string, number>;
  readonly generatorUrl?: string | undefined;
}

/** Labels beyond this many are dropped: they bound message size and prompt size. */
const MAX_LABELS = 100;

/**
 * Maps one Alertmanager-style alert onto the canonical payload. Group-level
 * common labels/annotations fill what an alert lacks; numeric annotations become metrics.
 */
export function normalizeAlertmanagerStyle(alert: AlertmanagerAlert, group: AlertGroup, source: string, extras: SourceExtras = {}): NormalizedAlert {
  const labels = { ...group.commonLabels, ...alert.labels };
  const annotations = { ...group.commonAnnotations, ...alert.annotations };
  const alertType = labels.alertname ?? "unknown";
  const { severity, priority } = classifySeverity(labels.severity ?? labels.priority);
  const message = annotations.summary ?? annotations.message ?? annotations.description ?? alertType;
  const description = annotations.description !== undefined && annotations.description !== message ? annotations.description : undefined;
  const metrics = { ...metricsFrom(annotations), ...extras.metrics };
  const generatorUrl = extras.generatorUrl ?? alert.generatorURL;

  return {
    alert_type: clip(alertType, TEXT_LIMITS.alertType),
    severity,
    priority,
    source,
    status: alert.status,
    ...clipResource(inferResource(labels)),
    message: clip(message, TEXT_LIMITS.message),
    ...(description !== undefined ? { description: clip(description, TEXT_LIMITS.description) } : {}),
    ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    labels: clipLabels(labels),
    fired_at: alert.startsAt,
    ...(alert.fingerprint ? { source_fingerprint: alert.fingerprint } : {}),
    ...(generatorUrl ? { generator_url: clip(generatorUrl, 2_000) } : {}),
    raw_payload: capPayload(alert, TEXT_LIMITS.rawPayloadBytes),
  };
}

export function normalizeAlertmanagerAlert(alert: AlertmanagerAlert, body: AlertmanagerWebhook): NormalizedAlert {
  return normalizeAlertmanagerStyle(alert, body, "alertmanager");
}

/** SigNoz embeds Alertmanager; its `ruleSource` label links back to the rule. */
export function normalizeSignozAlert(alert: AlertmanagerAlert, body: AlertmanagerWebhook): NormalizedAlert {
  const ruleSource = alert.labels.ruleSource ?? body.commonLabels?.ruleSource;
  return normalizeAlertmanagerStyle(alert, body, "signoz", { generatorUrl: ruleSource ?? alert.generatorURL });
}

function clipResource(resource: ReturnType<typeof inferResource>) {
  return {
    ...(resource.namespace !== undefined ? { namespace: clip(resource.namespace, TEXT_LIMITS.name) } : {}),
    ...(resource.target_resource !== undefined ? { target_resource: clip(resource.target_resource, TEXT_LIMITS.name) } : {}),
    ...(resource.resource_type !== undefined ? { resource_type: resource.resource_type } : {}),
  };
}

export function clipLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels).slice(0, MAX_LABELS)) {
    out[clip(key, TEXT_LIMITS.name)] = clip(value, TEXT_LIMITS.labelValue);
  }
  return out;
}

function metricsFrom(annotations: Record<string, string>): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(annotations)) {
    const trimmed = value.trim();
    if (trimmed !== "" && /^-?\d+(\.\d+)?$/.test(trimmed)) metrics[clip(key, TEXT_LIMITS.name)] = Number(trimmed);
  }
  return metrics;
}
