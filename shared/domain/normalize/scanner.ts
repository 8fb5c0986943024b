import type { NormalizedAlert, Priority, Severity } from "../../contracts/alert.ts";
import { TEXT_LIMITS } from "../../contracts/alert.ts";
import type { ScannerFinding, ScannerReport } from "../../contracts/sources/scanner.ts";
import { capPayload, clip } from "../text.ts";
import { clipLabels } from "./alertmanager.ts";

/**
 * A finding's identity is what was found (CVE, scanner rule id, or title) on
 * which host:port, so the same CVE on fifty hosts is fifty incidents in one
 * storm group, and a re-scan aggregates into the open ones.
 */
export function normalizeScannerFinding(finding: ScannerFinding, report: ScannerReport, now: Date): NormalizedAlert {
  const { severity, priority, rating } = rate(finding);
  const what = finding.cve ?? finding.id ?? finding.finding;
  const where = finding.port !== undefined ? `${finding.host}:${finding.port}` : finding.host;
  const labels: Record<string, string> = { scanner: report.scanner, host: finding.host, severity: rating };
  if (finding.port !== undefined) labels.port = String(finding.port);
  if (finding.protocol) labels.protocol = finding.protocol;
  if (finding.service) labels.service = finding.service;
  if (finding.cve) labels.cve = finding.cve;
  if (finding.id) labels.finding_id = finding.id;
  if (report.scan_id) labels.scan_id = report.scan_id;
  const metrics: Record<string, number> = {};
  if (finding.cvss !== undefined) metrics.cvss = finding.cvss;
  if (finding.port !== undefined) metrics.port = finding.port;
  const description = [
    finding.description,
    finding.solution ? `Solution: ${finding.solution}` : undefined,
    finding.evidence ? `Evidence: ${finding.evidence}` : undefined,
  ]
    .filter(Boolean)
    .join("\n\n");

  return {
    alert_type: clip(`Security:${what}`, TEXT_LIMITS.alertType),
    severity,
    priority,
    source: clip(`scanner:${report.scanner}`, TEXT_LIMITS.source),
    status: "firing",
    namespace: clip(report.namespace ?? "security", TEXT_LIMITS.name),
    target_resource: clip(where, TEXT_LIMITS.name),
    ...(finding.service ? { resource_type: "service" as const } : {}),
    message: clip(`${finding.finding} on ${where}`, TEXT_LIMITS.message),
    ...(description ? { description: clip(description, TEXT_LIMITS.description) } : {}),
    ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    labels: clipLabels(labels),
    fired_at: report.finished_at ?? now.toISOString(),
    ...(finding.url ? { generator_url: clip(finding.url, 2_000) } : {}),
    raw_payload: capPayload(finding, TEXT_LIMITS.rawPayloadBytes),
  };
}

/** High and critical findings are critical alerts (P1 / P0); CVSS decides when no severity word is given. */
function rate(finding: ScannerFinding): { severity: Severity; priority: Priority; rating: string } {
  const rating =
    finding.severity ??
    (finding.cvss === undefined
      ? "medium"
      : finding.cvss >= 9
        ? "critical"
        : finding.cvss >= 7
          ? "high"
          : finding.cvss >= 4
            ? "medium"
            : finding.cvss > 0
              ? "low"
              : "info");
  switch (rating) {
    case "critical":
      return { severity: "critical", priority: "P0", rating };
    case "high":
      return { severity: "critical", priority: "P1", rating };
    case "medium":
      return { severity: "warning", priority: "P2", rating };
    default:
      return { severity: "info", priority: "P3", rating };
  }
}
