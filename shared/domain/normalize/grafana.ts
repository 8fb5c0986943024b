import type { NormalizedAlert } from "../../contracts/alert.ts";
import type { GrafanaAlert, GrafanaWebhook } from "../../contracts/sources/grafana.ts";
import { normalizeAlertmanagerStyle } from "./alertmanager.ts";

/** Grafana: evaluated `values` become metrics (`value_<refID>`); the panel is the deep link. */
export function normalizeGrafanaAlert(alert: GrafanaAlert, body: GrafanaWebhook): NormalizedAlert {
  const metrics: Record<string, number> = {};
  for (const [refId, value] of Object.entries(alert.values ?? {})) {
    if (typeof value === "number" && Number.isFinite(value)) metrics[`value_${refId}`] = value;
  }
  const normalized = normalizeAlertmanagerStyle(alert, body, "grafana", { metrics, generatorUrl: alert.panelURL || alert.dashboardURL || alert.generatorURL });
  const extraLabels: Record<string, string> = {};
  if (alert.ruleUID) extraLabels.grafana_rule_uid = alert.ruleUID;
  const orgId = alert.orgId ?? body.orgId;
  if (orgId !== undefined) extraLabels.grafana_org_id = String(orgId);
  return Object.keys(extraLabels).length > 0 ? { ...normalized, labels: { ...normalized.labels, ...extraLabels } } : normalized;
}
