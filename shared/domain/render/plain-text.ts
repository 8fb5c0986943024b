import type { NotifyRequestedV2 } from "../../contracts/queue.ts";

/** The facts a notification shows, whatever the channel. */
export type Notification = NotifyRequestedV2["payload"];

const SEVERITY_MARK = { critical: "🔴", warning: "🟠", info: "🔵" } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The headline of each kind: what happened, and what (if anything) is asked of the reader. */
function headline(n: Notification): string {
  const deadline = n.expires_at ? new Date(n.expires_at * 1000).toISOString() : "its expiry";
  switch (n.kind) {
    case "approval_requested":
      return `Needs ${plural(n.required_signatures, "approval")} before ${deadline}.`;
    case "auto_approved":
      return "Auto-approved: low risk, every guardrail held; no human decision needed.";
    case "notify_only":
      return "For your information: no safe automatic action exists; a human has to investigate.";
    case "escalated":
      return `ESCALATED to ${n.escalation?.role ?? "the next level"}: still waiting for ${plural(n.required_signatures, "approval")}, ${Math.round((n.escalation?.overdue_seconds ?? 0) / 60)} min past the response SLA. Decide before ${deadline}.`;
    case "expired":
      return "Expired: nobody decided in time, so nothing was run.";
    case "execution_result": {
      const e = n.execution;
      if (!e) return "Execution finished.";
      const how = `${e.automatic ? "automatic" : "approved"} ${e.dry_run ? "dry run" : "run"}`;
      return `Execution ${e.status === "succeeded" ? "succeeded" : "FAILED"} (${how}${e.duration_ms !== null ? `, ${e.duration_ms} ms` : ""}).${e.output_excerpt ? `\nOutput: ${e.output_excerpt.slice(0, 500)}` : ""}`;
    }
  }
}

/**
 * A channel-neutral rendering (dev inbox, console, plain-text fallbacks).
 * Links are listed separately by the caller, one per approver.
 */
export function renderPlainText(n: Notification): string {
  const a = n.alert;
  const where = [a.namespace, a.target_resource].filter(Boolean).join("/");
  const lines = [
    `${SEVERITY_MARK[a.severity]} [${a.priority}] ${a.alert_type}${where ? ` on ${where}` : ""} (${a.source})`,
    a.message,
    "",
    `Root cause: ${n.rca.root_cause}`,
    `Risk: ${n.rca.risk_level} · confidence ${Math.round(n.rca.confidence)}% · data impact ${n.rca.blast_radius.data_impact} · verdict by ${n.rca.provider} (${n.rca.model})`,
    `Proposed: ${n.rca.suggested_action.operation} — ${n.rca.suggested_action.command}`,
    `          ${n.rca.suggested_action.description}`,
    "",
    headline(n),
  ];
  if (n.kind === "notify_only" && n.reasons.length > 0) lines.push(`Why: ${n.reasons.join("; ")}`);
  if (a.generator_url) lines.push(`Source: ${a.generator_url}`);
  lines.push(`Incident ${n.incident_id}${n.approval_id ? ` · approval ${n.approval_id}` : ""}`);
  return lines.join("\n");
}
