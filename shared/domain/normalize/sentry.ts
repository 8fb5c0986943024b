import { type AlertStatus, type NormalizedAlert, TEXT_LIMITS } from "../../contracts/alert.ts";
import type { SentryEventAlert, SentryIssueWebhook } from "../../contracts/sources/sentry.ts";
import { classifySeverity } from "../severity.ts";
import { capPayload, clip } from "../text.ts";
import { clipLabels } from "./alertmanager.ts";

/**
 * Identity of a Sentry incident is the Sentry issue: alert_type `SentryIssue`,
 * namespace = project id, target = issue id. Issue alerts and issue webhooks of
 * the same issue therefore land on one incident.
 */
export const SENTRY_ALERT_TYPE = "SentryIssue";

export function normalizeSentryEventAlert(body: SentryEventAlert, now: Date): NormalizedAlert {
  const event = body.data.event;
  const labels: Record<string, string> = { project_id: event.project, issue_id: event.issue_id };
  if (event.level) labels.level = event.level;
  if (event.environment) labels.environment = event.environment;
  if (event.release) labels.release = event.release;
  if (event.platform) labels.platform = event.platform;
  if (body.data.triggered_rule) labels.triggered_rule = body.data.triggered_rule;
  for (const [key, value] of event.tags ?? []) if (!(key in labels)) labels[`tag_${key}`] = value;
  return build({
    status: "firing",
    level: event.level,
    projectId: event.project,
    issueId: event.issue_id,
    title: event.title,
    culprit: event.culprit ?? undefined,
    webUrl: event.web_url,
    firedAt: isoOr(event.datetime, now),
    labels,
    raw: body,
  });
}

/** An issue webhook; `assigned`/`archived`/`ignored` change nothing we track and yield no alert. */
export function normalizeSentryIssue(body: SentryIssueWebhook, now: Date): NormalizedAlert | undefined {
  const status: AlertStatus | undefined =
    body.action === "created" || body.action === "unresolved" ? "firing" : body.action === "resolved" ? "resolved" : undefined;
  if (!status) return undefined;
  const issue = body.data.issue;
  const labels: Record<string, string> = { project_id: issue.project.id, issue_id: issue.id };
  if (issue.project.slug) labels.project = issue.project.slug;
  if (issue.shortId) labels.short_id = issue.shortId;
  if (issue.level) labels.level = issue.level;
  if (issue.substatus) labels.substatus = issue.substatus;
  return build({
    status,
    level: issue.level,
    projectId: issue.project.id,
    issueId: issue.id,
    title: issue.title,
    culprit: issue.culprit ?? undefined,
    webUrl: issue.web_url ?? issue.permalink ?? undefined,
    firedAt: isoOr(status === "firing" ? (issue.lastSeen ?? issue.firstSeen) : undefined, now),
    labels,
    raw: body,
  });
}

function build(input: {
  status: AlertStatus;
  level: string | undefined;
  projectId: string;
  issueId: string;
  title: string;
  culprit: string | undefined;
  webUrl: string | undefined;
  firedAt: string;
  labels: Record<string, string>;
  raw: unknown;
}): NormalizedAlert {
  // Sentry's fatal is page-worthy; error is P1 like other sources' "error".
  const { severity, priority } = classifySeverity(input.level === "fatal" ? "critical" : input.level);
  return {
    alert_type: SENTRY_ALERT_TYPE,
    severity,
    priority,
    source: "sentry",
    status: input.status,
    namespace: clip(input.projectId, TEXT_LIMITS.name),
    target_resource: clip(input.issueId, TEXT_LIMITS.name),
    message: clip(input.title, TEXT_LIMITS.message),
    ...(input.culprit ? { description: clip(input.culprit, TEXT_LIMITS.description) } : {}),
    labels: clipLabels(input.labels),
    fired_at: input.firedAt,
    source_fingerprint: clip(input.issueId, 128),
    ...(input.webUrl ? { generator_url: clip(input.webUrl, 2_000) } : {}),
    raw_payload: capPayload(input.raw, TEXT_LIMITS.rawPayloadBytes),
  };
}

function isoOr(value: string | undefined, now: Date): string {
  if (value) {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return now.toISOString();
}
