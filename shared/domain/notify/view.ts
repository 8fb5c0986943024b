import type { ApprovalAction } from "../../contracts/action.ts";
import type { NotifyRequestedV2 } from "../../contracts/queue.ts";
import type { TicketRef } from "../../contracts/ticket.ts";
import { clip } from "../text.ts";

/** The facts a notification shows, whatever the channel. */
export type Notification = NotifyRequestedV2["payload"];

export interface ApproverLink {
  readonly approver: string;
  readonly url: string;
}

/** How often the alert was seen, from the alert index (absent when Redis could not say). */
export interface Occurrences {
  readonly hitCount: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface SourceLink {
  readonly label: string;
  readonly url: string;
}

/**
 * One notification as every channel renders it: raw (unescaped) text fields,
 * each renderer escaping for its own markup and enforcing its own limits.
 */
export interface NotificationView {
  readonly kind: Notification["kind"];
  readonly severity: Notification["alert"]["severity"];
  readonly priority: Notification["alert"]["priority"];
  readonly mark: string;
  readonly alertType: string;
  readonly where: string | undefined;
  readonly source: string;
  readonly headline: string;
  readonly message: string;
  readonly rootCause: string;
  readonly risk: string;
  readonly confidence: number;
  readonly verdictBy: string;
  readonly blastRadius: string;
  readonly operation: string;
  /** The rendered command of the typed action (what runs), or the text a person runs by hand. */
  readonly command: string;
  readonly description: string;
  /** The plan's facts, its server dry run and each guardrail's verdict, when the action has them. */
  readonly actionFacts: string | undefined;
  readonly seen: string;
  readonly approval: string | undefined;
  readonly reasons: readonly string[];
  /** What past repairs of this alert taught (the learned record, the playbook), for people deciding; undefined when nothing was learned. */
  readonly learned: string | undefined;
  readonly sourceLink: SourceLink | undefined;
  /** The incident's tracker ticket, once one is open (messages after the first show it). */
  readonly ticket?: TicketRef | undefined;
  readonly incidentId: string;
  readonly approvalId: string | undefined;
  readonly fingerprint: string;
  readonly security: boolean;
}

const SEVERITY_MARK = { critical: "🔴", warning: "🟠", info: "🔵" } as const;

const SOURCE_LABEL: Readonly<Record<string, string>> = {
  alertmanager: "Prometheus",
  grafana: "Grafana",
  signoz: "SigNoz",
  sentry: "Sentry",
  scanner: "the scanner report",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Security findings go to the security chat as well (seed 001 §4.1). */
export function isSecurity(n: Notification): boolean {
  const a = n.alert;
  return a.source === "scanner" || a.labels?.category === "security" || /secur|vuln|cve|intrusion|malware/i.test(a.alert_type);
}

/** How a message about an approval reads once nothing more is asked of anyone. */
const DECIDED: Readonly<Record<Exclude<Notification["approval_status"] & string, "PENDING">, string>> = {
  APPROVED: "APPROVED: the action goes to the executor; the result follows here.",
  REJECTED: "REJECTED: nothing runs.",
  EXPIRED: "Expired: nobody decided in time, so nothing was run.",
  OBSOLETE: "Obsolete: the alert resolved before a decision; nothing runs.",
  EXECUTED: "APPROVED and executed.",
  FAILED: "APPROVED, but the execution FAILED.",
};

/** What happened, and what (if anything) is asked of the reader. */
export function headline(n: Notification): string {
  const deadline = n.expires_at ? new Date(n.expires_at * 1000).toISOString() : "its expiry";
  switch (n.kind) {
    case "approval_requested":
      return n.approval_status && n.approval_status !== "PENDING"
        ? DECIDED[n.approval_status]
        : `Needs ${plural(n.required_signatures, "approval")} before ${deadline}.`;
    case "auto_approved":
      return "Auto-approved: low risk, every guardrail held; no human decision needed.";
    case "notify_only":
      return "For your information: no safe automatic action exists; a human has to investigate.";
    case "escalated":
      return `ESCALATED to ${n.escalation?.role ?? "the next level"}: still waiting for ${plural(n.required_signatures, "approval")}, ${Math.round((n.escalation?.overdue_seconds ?? 0) / 60)} min past the response SLA. Decide before ${deadline}.`;
    case "expired":
      return "Expired: nobody decided in time, so nothing was run.";
    case "resolved":
      return "Resolved: the source reports the alert cleared.";
    case "execution_result": {
      const e = n.execution;
      if (!e) return "Execution finished.";
      const how = `${e.automatic ? "automatic" : "approved"} ${e.dry_run ? "dry run" : "run"}`;
      return `Execution ${e.status === "succeeded" ? "succeeded" : "FAILED"} (${how}${e.duration_ms !== null ? `, ${e.duration_ms} ms` : ""}).${e.output_excerpt ? `\nOutput: ${clip(e.output_excerpt, 500)}` : ""}`;
    }
  }
}

function approvalLine(n: Notification): string | undefined {
  if (!n.approval_id) return undefined;
  const approvals = n.signatures.filter((s) => s.decision === "approve");
  const vetoes = n.signatures.filter((s) => s.decision === "reject");
  const signed = n.signatures.length === 0 ? "no signatures yet" : n.signatures.map((s) => `${s.approver} ${s.decision === "approve" ? "✓" : "✗"}`).join(", ");
  const status = n.approval_status ?? (n.kind === "auto_approved" ? "APPROVED" : "PENDING");
  return `${status} — ${approvals.length}/${n.required_signatures} approvals${vetoes.length > 0 ? ", vetoed" : ""} (${signed})`;
}

export function notificationView(n: Notification, occurrences: Occurrences | undefined): NotificationView {
  const a = n.alert;
  // A storm incident stands for many alerts: say so before anything else.
  const storm = a.labels?.storm_alert_type;
  const where = [a.namespace, a.target_resource].filter(Boolean).join("/") || undefined;
  const b = n.rca.blast_radius;
  return {
    kind: n.kind,
    severity: a.severity,
    priority: a.priority,
    mark: SEVERITY_MARK[a.severity],
    alertType: a.alert_type,
    where,
    source: a.source,
    headline: storm ? `ALERT STORM of ${storm}${a.labels?.storm_namespace ? ` in ${a.labels.storm_namespace}` : ""}. ${headline(n)}` : headline(n),
    message: a.message,
    rootCause: n.rca.root_cause,
    risk: n.rca.risk_level,
    confidence: Math.round(n.rca.confidence),
    verdictBy: `${n.rca.provider} (${n.rca.model})`,
    blastRadius: `${plural(b.affected_pods, "pod")}, downtime ${b.estimated_downtime}, data impact ${b.data_impact}${b.related_services.length > 0 ? `, services ${b.related_services.join(", ")}` : ""}`,
    operation: n.action?.operation ?? n.rca.suggested_action.operation,
    command: n.action ? commandLine(n.action) : n.rca.suggested_action.command,
    description: n.action?.description ?? n.rca.suggested_action.description,
    actionFacts: n.action ? actionFacts(n.action) : undefined,
    seen: occurrences ? `${occurrences.hitCount}× · first ${occurrences.firstSeen} · last ${occurrences.lastSeen}` : `first ${a.fired_at}`,
    approval: approvalLine(n),
    reasons: n.reasons,
    learned: learnedOf(n.reasons),
    sourceLink: sourceLinkOf(a.source, a.generator_url),
    incidentId: n.incident_id,
    approvalId: n.approval_id,
    fingerprint: n.fingerprint,
    security: isSecurity(n),
  };
}

/** The decision's learned and playbook reasons, without their labels ("RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict agrees"). */
export function learnedOf(reasons: readonly string[]): string | undefined {
  const taught = reasons.filter((r) => r.startsWith("learned: ") || r.startsWith("playbook: ")).map((r) => r.replace(/^(learned|playbook): /, ""));
  return taught.length > 0 ? taught.join("; ") : undefined;
}

/** A typed action shows what runs; an untyped one says a person runs it. */
function commandLine(action: ApprovalAction): string {
  return action.argv ? action.command : `(run by hand) ${action.command}`;
}

/** `Plan: 2 of 3 ready · dry run passed. Guardrails: ✓ namespace · ✗ confidence (…)` */
export function actionFacts(action: ApprovalAction): string | undefined {
  const parts: string[] = [];
  const plan = action.plan;
  if (plan) {
    const f = plan.facts;
    const replicas = f.ready_replicas !== undefined ? `${f.ready_replicas} of ${f.desired_replicas ?? "?"} replicas ready · ` : "";
    parts.push(
      `Plan: ${replicas}server dry run ${plan.dry_run.ok ? "passed" : "FAILED"}${plan.dry_run.output ? ` (${clip(plan.dry_run.output.trim(), 200)})` : ""}.`,
    );
  } else if (action.argv) {
    parts.push("Plan: none (no executor dry run).");
  }
  if (action.guardrails.length > 0) {
    parts.push(`Guardrails: ${action.guardrails.map((g) => (g.passed ? `✓ ${g.name}` : `✗ ${g.name} (${clip(g.detail, 120)})`)).join(" · ")}`);
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}

/**
 * The announcement of a P0/P1 at admission: what fired and where, the analysis
 * still pending. It goes where a notice of the incident would, without links.
 */
export function admittedNotification(incidentId: string, fingerprint: string, alert: Notification["alert"]): Notification {
  return {
    kind: "notify_only",
    incident_id: incidentId,
    fingerprint,
    alert,
    rca: {
      root_cause: "Analysis pending.",
      risk_level: alert.priority === "P0" ? "critical" : "high",
      blast_radius: { affected_pods: 0, estimated_downtime: "unknown", related_services: [], data_impact: "none" },
      suggested_action: { operation: "INVESTIGATE", command: "", description: "" },
      confidence: 0,
      dry_run_checks: [],
      provider: "rules",
      model: "pending",
    },
    required_signatures: 0,
    reasons: [],
    signatures: [],
  };
}

/** The view of an admission notice: the alert, and that its verdict is on the way. */
export function admittedView(n: Notification, occurrences: Occurrences | undefined): NotificationView {
  const base = notificationView(n, occurrences);
  return {
    ...base,
    headline: `NEW ${n.alert.priority} — analysis pending. The verdict and any approval follow in a separate message.`,
    rootCause: "Analysis pending.",
    risk: "pending",
    confidence: 0,
    verdictBy: "pending",
    blastRadius: "pending",
    operation: "pending",
    command: "—",
    description: "",
    actionFacts: undefined,
  };
}

/** `🔴 [P0] PodCrashLoopBackOff on production/api-7d4b` */
export const titleOf = (v: NotificationView) => `${v.mark} [${v.priority}] ${v.alertType}${v.where ? ` on ${v.where}` : ""}`;

function sourceLinkOf(source: string, generatorUrl: string | undefined): SourceLink | undefined {
  const url = linkTarget(generatorUrl);
  return url ? { label: `Open in ${SOURCE_LABEL[source] ?? source}`, url } : undefined;
}

/**
 * An alert's deep link as a URL a chat may link to: http(s) only, re-serialized
 * by the URL parser (which percent-encodes spaces, quotes and angle brackets),
 * or nothing. Alert text must not be able to shape the link's markup.
 */
export function linkTarget(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
