import { describe, expect, it } from "vitest";
import { NormalizedAlert, TEXT_LIMITS } from "../../../../shared/contracts/alert.ts";
import { AlertmanagerWebhook } from "../../../../shared/contracts/sources/alertmanager.ts";
import { normalizeAlertmanagerAlert } from "../../../../shared/domain/normalize/alertmanager.ts";
import { inferResource } from "../../../../shared/domain/normalize/resource.ts";
import { alertmanagerAlert, alertmanagerBody } from "../../../support/fixtures/alertmanager.ts";

const normalizeFirst = (body = alertmanagerBody()) => normalizeAlertmanagerAlert(body.alerts[0]!, body);

describe("normalizeAlertmanagerAlert", () => {
  it("maps a firing v4 alert onto the canonical payload", () => {
    const alert = normalizeFirst();
    expect(NormalizedAlert.parse(alert)).toEqual(alert);
    expect(alert).toMatchObject({
      alert_type: "PodCrashLoopBackOff",
      severity: "critical",
      priority: "P0",
      source: "alertmanager",
      status: "firing",
      namespace: "production",
      target_resource: "api-server-7d4b8c9f5-xk2m3",
      resource_type: "pod",
      message: "Pod is crash looping",
      description: "Container api restarted 6 times",
      metrics: { restart_count: 6 },
      fired_at: "2026-11-22T03:00:00Z",
      source_fingerprint: "1a30ba71cca2921f",
      generator_url: "http://prometheus.example:9090/graph?g0.expr=up",
    });
  });

  it("fills missing labels and annotations from the group's common ones", () => {
    const body = alertmanagerBody([{ labels: { alertname: "HighCpuLoad" }, annotations: {} }], {
      commonLabels: { severity: "warning", namespace: "shop", deployment: "checkout" },
      commonAnnotations: { summary: "CPU above 90%" },
    });
    expect(normalizeFirst(body)).toMatchObject({
      severity: "warning",
      priority: "P2",
      namespace: "shop",
      target_resource: "checkout",
      resource_type: "deployment",
      message: "CPU above 90%",
    });
  });

  it("keeps resolved status and falls back to the alert name as message", () => {
    const body = alertmanagerBody([{ status: "resolved", annotations: {}, endsAt: "2026-11-22T03:10:00Z" }]);
    expect(normalizeFirst(body)).toMatchObject({ status: "resolved", message: "PodCrashLoopBackOff" });
  });

  it("accepts bodies of older Alertmanagers without truncatedAlerts or annotations", () => {
    const { truncatedAlerts: _t, ...old } = alertmanagerBody([{ annotations: undefined, fingerprint: undefined, generatorURL: undefined }]);
    const parsed = AlertmanagerWebhook.parse(old);
    const alert = normalizeFirst(parsed);
    expect(alert.source_fingerprint).toBeUndefined();
    expect(alert.generator_url).toBeUndefined();
    expect(alert.message).toBe("PodCrashLoopBackOff");
  });

  it("caps untrusted text and replaces an oversized raw payload by a marker", () => {
    const huge = "x".repeat(50_000);
    const body = alertmanagerBody([{ annotations: { summary: huge, description: "y".repeat(50_000), blob: huge } }]);
    const alert = normalizeFirst(body);
    expect(alert.message.length).toBe(TEXT_LIMITS.message);
    expect(alert.description?.length).toBe(TEXT_LIMITS.description);
    expect(alert.raw_payload).toMatchObject({ truncated: true });
    expect(JSON.stringify(alert.raw_payload).length).toBeLessThan(TEXT_LIMITS.rawPayloadBytes);
    expect(NormalizedAlert.safeParse(alert).success).toBe(true);
  });
});

describe("inferResource", () => {
  it.each([
    [{ pod: "p", deployment: "d" }, "p", "pod"],
    [{ deployment: "d", service: "s" }, "d", "deployment"],
    [{ statefulset: "db" }, "db", "deployment"],
    [{ service: "s", node: "n" }, "s", "service"],
    [{ node: "worker-1" }, "worker-1", "node"],
    [{ instance: "10.0.0.1:9100" }, "10.0.0.1:9100", undefined],
  ] as const)("picks the most specific resource from %o", (labels, target, type) => {
    const inferred = inferResource(labels);
    expect(inferred.target_resource).toBe(target);
    expect(inferred.resource_type).toBe(type);
  });

  it("reads the namespace from its common label spellings", () => {
    expect(inferResource({ kubernetes_namespace: "kube" }).namespace).toBe("kube");
    expect(inferResource({}).namespace).toBeUndefined();
  });
});

describe("AlertmanagerWebhook schema", () => {
  it("names the field when an alert lacks its alertname", () => {
    const result = AlertmanagerWebhook.safeParse(alertmanagerBody([alertmanagerAlert({ labels: { severity: "critical" } })]));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain("alerts.0.labels.alertname");
  });

  it.each([
    ["version", { version: "3" }],
    ["alerts", { alerts: [] }],
  ])("refuses a bad %s", (field, overrides) => {
    const result = AlertmanagerWebhook.safeParse({ ...alertmanagerBody(), ...overrides });
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });

  it("refuses a startsAt that is not an RFC 3339 timestamp", () => {
    const result = AlertmanagerWebhook.safeParse(alertmanagerBody([{ startsAt: "yesterday" }]));
    expect(result.error?.issues[0]?.path.join(".")).toBe("alerts.0.startsAt");
  });
});
