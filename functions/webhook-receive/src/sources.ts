import * as z from "zod/v4";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import { AlertmanagerWebhook } from "../../../shared/contracts/sources/alertmanager.ts";
import { CanonicalAlertsBody } from "../../../shared/contracts/sources/canonical.ts";
import { GrafanaWebhook } from "../../../shared/contracts/sources/grafana.ts";
import { ScannerReport } from "../../../shared/contracts/sources/scanner.ts";
import { SentryEventAlert, SentryIssueWebhook } from "../../../shared/contracts/sources/sentry.ts";
import { normalizeAlertmanagerAlert, normalizeSignozAlert } from "../../../shared/domain/normalize/alertmanager.ts";
import { normalizeCanonicalAlert } from "../../../shared/domain/normalize/canonical.ts";
import { normalizeGrafanaAlert } from "../../../shared/domain/normalize/grafana.ts";
import { normalizeScannerFinding } from "../../../shared/domain/normalize/scanner.ts";
import { normalizeSentryEventAlert, normalizeSentryIssue } from "../../../shared/domain/normalize/sentry.ts";
import { invalidBody } from "../../../shared/http/validation.ts";
import type { IngestPolicy } from "./ingest.ts";

const MiB = 1024 * 1024;

export const SOURCES = ["alertmanager", "grafana", "signoz", "sentry", "scanner", "alerts"] as const;
export type SourceName = (typeof SOURCES)[number];

export interface SourceContext {
  readonly now: Date;
  readonly header: (name: string) => string | undefined;
}

/** How one alert source is received: its body, its limits, and what to do when things fail. */
export interface SourceRoute<S extends z.ZodType = z.ZodType> {
  readonly source: SourceName;
  /** What /openapi.json says the route is. */
  readonly summary: string;
  /** Largest body accepted (413 above). */
  readonly maxBytes: number;
  /** The body's schema; a violation is a 400 naming each bad field. */
  readonly schema: S;
  /** The bodies documented, where the schema is only an envelope whose content a header decides (Sentry). */
  readonly documentedBody?: z.ZodType;
  readonly toAlerts: (body: z.infer<S>, ctx: SourceContext) => { alerts: NormalizedAlert[]; truncated?: number };
  readonly overLimit: IngestPolicy["overLimit"];
  readonly queueFailure: IngestPolicy["queueFailure"];
}

const route = <S extends z.ZodType>(definition: SourceRoute<S>): SourceRoute => definition as unknown as SourceRoute;

/** For bodies whose shape depends on a header (Sentry): the same 400 as the schema validator gives. */
function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidBody(result.error);
  return result.data;
}

/** Sentry's common envelope; the resource header says which body it carries. */
const SentryEnvelope = z.looseObject({ action: z.string().max(64), data: z.looseObject({}) });

/**
 * Retry behaviour decides the failure modes (PROTOCOLS.md §1–§4): Alertmanager
 * and SigNoz retry 5xx but drop 4xx, so they are never refused with 429 and get
 * 503 when the queue fails; Grafana and Sentry never retry, so their alerts are
 * parked rather than refused; the canonical endpoint and scanners are our own
 * clients, which honour 429 with Retry-After and retry 503.
 */
export const SOURCE_ROUTES: Readonly<Record<SourceName, SourceRoute>> = {
  alertmanager: route({
    source: "alertmanager",
    summary: "Ingest Prometheus Alertmanager alerts (webhook v4)",
    maxBytes: 2 * MiB,
    overLimit: "absorb",
    queueFailure: "retry",
    schema: AlertmanagerWebhook,
    toAlerts: (body) => ({ alerts: body.alerts.map((a) => normalizeAlertmanagerAlert(a, body)), truncated: body.truncatedAlerts ?? 0 }),
  }),
  signoz: route({
    source: "signoz",
    summary: "Ingest SigNoz alerts (Alertmanager format)",
    maxBytes: 2 * MiB,
    overLimit: "absorb",
    queueFailure: "retry",
    schema: AlertmanagerWebhook,
    toAlerts: (body) => ({ alerts: body.alerts.map((a) => normalizeSignozAlert(a, body)), truncated: body.truncatedAlerts ?? 0 }),
  }),
  grafana: route({
    source: "grafana",
    summary: "Ingest Grafana unified-alerting alerts; HMAC-signed when GRAFANA_WEBHOOK_SECRET is set",
    maxBytes: 2 * MiB,
    overLimit: "refuse",
    queueFailure: "park",
    schema: GrafanaWebhook,
    toAlerts: (body) => ({ alerts: body.alerts.map((a) => normalizeGrafanaAlert(a, body)), truncated: body.truncatedAlerts ?? 0 }),
  }),
  sentry: route({
    source: "sentry",
    summary: "Ingest Sentry integration-platform alerts; `Sentry-Hook-Signature` verified when SENTRY_CLIENT_SECRET is set",
    maxBytes: 1 * MiB,
    overLimit: "refuse",
    queueFailure: "park",
    schema: SentryEnvelope,
    documentedBody: z.union([SentryEventAlert, SentryIssueWebhook]),
    toAlerts: (body, ctx) => {
      switch (ctx.header("Sentry-Hook-Resource")) {
        case "event_alert":
          return { alerts: [normalizeSentryEventAlert(parse(SentryEventAlert, body), ctx.now)] };
        case "issue": {
          const alert = normalizeSentryIssue(parse(SentryIssueWebhook, body), ctx.now);
          return { alerts: alert ? [alert] : [] };
        }
        default:
          // installation, comment (our own write-backs), metric_alert, …: acknowledged, nothing to triage.
          return { alerts: [] };
      }
    },
  }),
  scanner: route({
    source: "scanner",
    summary: "Ingest a security-scanner report",
    maxBytes: 4 * MiB,
    overLimit: "refuse",
    queueFailure: "retry",
    schema: ScannerReport,
    toAlerts: (report, ctx) => ({ alerts: report.findings.map((finding) => normalizeScannerFinding(finding, report, ctx.now)) }),
  }),
  alerts: route({
    source: "alerts",
    summary: "Ingest canonical alerts (our own clients)",
    maxBytes: 2 * MiB,
    overLimit: "refuse",
    queueFailure: "retry",
    schema: CanonicalAlertsBody,
    toAlerts: (alerts, ctx) => ({ alerts: alerts.map((alert) => normalizeCanonicalAlert(alert, ctx.now)) }),
  }),
};
