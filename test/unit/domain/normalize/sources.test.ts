import { describe, expect, it } from "vitest";
import { NormalizedAlert } from "../../../../shared/contracts/alert.ts";
import { AlertmanagerWebhook } from "../../../../shared/contracts/sources/alertmanager.ts";
import { CanonicalAlertsBody } from "../../../../shared/contracts/sources/canonical.ts";
import { GrafanaWebhook } from "../../../../shared/contracts/sources/grafana.ts";
import { ScannerReport } from "../../../../shared/contracts/sources/scanner.ts";
import { SentryEventAlert, SentryIssueWebhook } from "../../../../shared/contracts/sources/sentry.ts";
import { fingerprintOf } from "../../../../shared/domain/fingerprint.ts";
import { normalizeSignozAlert } from "../../../../shared/domain/normalize/alertmanager.ts";
import { normalizeCanonicalAlert } from "../../../../shared/domain/normalize/canonical.ts";
import { normalizeGrafanaAlert } from "../../../../shared/domain/normalize/grafana.ts";
import { normalizeScannerFinding } from "../../../../shared/domain/normalize/scanner.ts";
import { normalizeSentryEventAlert, normalizeSentryIssue } from "../../../../shared/domain/normalize/sentry.ts";
import { grafanaBody, scannerReport, sentryEventAlert, sentryIssue, signozBody } from "../../../support/fixtures/sources.ts";

const NOW = new Date("2026-11-22T03:10:00Z");
const valid = (alert: NormalizedAlert) => expect(NormalizedAlert.parse(alert)).toEqual(alert);

describe("Grafana unified alerting", () => {
  it("maps a version 1 alert, its evaluated values and its panel link", () => {
    const body = GrafanaWebhook.parse(grafanaBody());
    const alert = normalizeGrafanaAlert(body.alerts[0]!, body);
    valid(alert);
    expect(alert).toMatchObject({
      alert_type: "HighCpuLoad",
      source: "grafana",
      severity: "critical",
      priority: "P0",
      namespace: "shop",
      target_resource: "checkout",
      resource_type: "deployment",
      metrics: { value_B: 93.5, value_C: 1 },
      generator_url: "https://grafana.example/d/dash?viewPanel=3",
      source_fingerprint: "57c6d9296de2ad39",
    });
    expect(alert.labels).toMatchObject({ grafana_rule_uid: "abc", grafana_org_id: "1" });
  });

  it("accepts older payloads without values, panel links, ruleUID or version", () => {
    const { version: _v, ...old } = grafanaBody(
      {},
      { values: undefined, panelURL: undefined, dashboardURL: undefined, ruleUID: undefined, valueString: undefined },
    );
    const body = GrafanaWebhook.parse(old);
    const alert = normalizeGrafanaAlert(body.alerts[0]!, body);
    expect(alert.generator_url).toBe("https://grafana.example/alerting/grafana/abc/view?orgId=1");
    expect(alert.metrics).toBeUndefined();
  });

  it("accepts null values (no data) and refuses another version", () => {
    expect(GrafanaWebhook.safeParse(grafanaBody({}, { values: null })).success).toBe(true);
    expect(GrafanaWebhook.safeParse(grafanaBody({ version: "4" })).error?.issues[0]?.path).toEqual(["version"]);
  });
});

describe("SigNoz", () => {
  it("keeps ruleId/ruleSource, links back to the rule and reads numeric annotations as metrics", () => {
    const body = AlertmanagerWebhook.parse(signozBody());
    const alert = normalizeSignozAlert(body.alerts[0]!, body);
    valid(alert);
    expect(alert).toMatchObject({
      source: "signoz",
      severity: "warning",
      target_resource: "frontend",
      resource_type: "service",
      generator_url: "https://signoz.example/alerts/edit?ruleId=42",
      metrics: { value: 2.4, threshold: 2 },
    });
    expect(alert.labels).toMatchObject({ ruleId: "42", ruleSource: "https://signoz.example/alerts/edit?ruleId=42" });
  });
});

describe("Sentry", () => {
  it("maps an issue alert onto the Sentry issue's identity", async () => {
    const alert = normalizeSentryEventAlert(SentryEventAlert.parse(sentryEventAlert()), NOW);
    valid(alert);
    expect(alert).toMatchObject({
      alert_type: "SentryIssue",
      source: "sentry",
      status: "firing",
      severity: "critical",
      priority: "P1",
      namespace: "1",
      target_resource: "1170820242",
      message: "ZeroDivisionError: division by zero",
      description: "billing.invoice in total",
      source_fingerprint: "1170820242",
      fired_at: "2026-11-22T03:00:00.000Z",
    });
    expect(alert.labels).toMatchObject({ environment: "production", release: "billing@1.4.2", tag_server_name: "billing-7d4b8c9f5-xk2m3" });
  });

  it("lands the issue alert and the issue webhook of one Sentry issue on one fingerprint", async () => {
    const fromAlert = normalizeSentryEventAlert(SentryEventAlert.parse(sentryEventAlert()), NOW);
    const fromIssue = normalizeSentryIssue(SentryIssueWebhook.parse(sentryIssue("created")), NOW)!;
    expect(await fingerprintOf(fromAlert)).toBe(await fingerprintOf(fromIssue));
  });

  it.each([
    ["created", "firing"],
    ["unresolved", "firing"],
    ["resolved", "resolved"],
  ])("maps issue action %s to %s", (action, status) => {
    expect(normalizeSentryIssue(SentryIssueWebhook.parse(sentryIssue(action)), NOW)?.status).toBe(status);
  });

  it.each(["assigned", "archived"])("yields no alert for issue action %s", (action) => {
    expect(normalizeSentryIssue(SentryIssueWebhook.parse(sentryIssue(action)), NOW)).toBeUndefined();
  });

  it("treats fatal as P0 and a numeric issue id like a string one", () => {
    const alert = normalizeSentryEventAlert(SentryEventAlert.parse(sentryEventAlert({ level: "fatal", issue_id: 1170820242 })), NOW);
    expect(alert).toMatchObject({ priority: "P0", target_resource: "1170820242" });
  });
});

describe("security scanner", () => {
  it.each([
    [{ cvss: 9.8 }, "critical", "P0"],
    [{ cvss: 7.5 }, "critical", "P1"],
    [{ cvss: 5.0 }, "warning", "P2"],
    [{ cvss: 2.0 }, "info", "P3"],
    [{ cvss: undefined, severity: "high" }, "critical", "P1"],
    [{ cvss: 9.9, severity: "low" }, "info", "P3"],
  ])("rates %o as %s / %s", (rating, severity, priority) => {
    const report = ScannerReport.parse(scannerReport([rating]));
    expect(normalizeScannerFinding(report.findings[0]!, report, NOW)).toMatchObject({ severity, priority });
  });

  it("names the finding by CVE when known, and places it on host:port", () => {
    const report = ScannerReport.parse(scannerReport([{ cve: "CVE-2022-0543", port: 6379 }], { namespace: "edge" }));
    const alert = normalizeScannerFinding(report.findings[0]!, report, NOW);
    valid(alert);
    expect(alert).toMatchObject({
      alert_type: "Security:CVE-2022-0543",
      namespace: "edge",
      target_resource: "10.0.4.12:6379",
      source: "scanner:nmap",
      metrics: { cvss: 9.8, port: 6379 },
      fired_at: "2026-11-22T03:05:00Z",
    });
    expect(alert.description).toContain("Solution:");
  });

  it("refuses a malformed CVE id, naming the field", () => {
    const result = ScannerReport.safeParse(scannerReport([{ cve: "CVE-22" }]));
    expect(result.error?.issues[0]?.path).toEqual(["findings", 0, "cve"]);
  });
});

describe("canonical alerts", () => {
  const single = {
    alert_type: "CPUThrottlingHigh",
    severity: "high",
    source: "prometheus",
    namespace: "production",
    target_resource: "api-1",
    message: "throttled",
  };

  it.each([
    ["a single alert", single],
    ["an array", [single, single]],
    ["an {alerts} object", { alerts: [single] }],
  ])("accepts %s", (_case, body) => {
    expect(CanonicalAlertsBody.safeParse(body).success).toBe(true);
  });

  it("defaults status to firing and fired_at to receipt, and maps high to P1", () => {
    const [input] = CanonicalAlertsBody.parse(single);
    const alert = normalizeCanonicalAlert(input!, NOW);
    valid(alert);
    expect(alert).toMatchObject({ status: "firing", fired_at: NOW.toISOString(), severity: "critical", priority: "P1" });
  });

  it("infers the resource from labels when no target is given", () => {
    const [input] = CanonicalAlertsBody.parse({ ...single, target_resource: undefined, namespace: undefined, labels: { namespace: "ops", pod: "p-1" } });
    expect(normalizeCanonicalAlert(input!, NOW)).toMatchObject({ namespace: "ops", target_resource: "p-1", resource_type: "pod" });
  });

  it("refuses an alert without a message, naming the field", () => {
    const { message: _m, ...noMessage } = single;
    const result = CanonicalAlertsBody.safeParse({ alerts: [noMessage] });
    expect(result.success).toBe(false);
  });
});
