import type { NotifyRequestedV1 } from "../../contracts/queue.ts";

/** The facts a notification shows, whatever the channel. */
export type Notification = NotifyRequestedV1["payload"];

const SEVERITY_MARK = { critical: "🔴", warning: "🟠", info: "🔵" } as const;

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
    n.kind === "auto_approved"
      ? "Auto-approved: low risk, no human decision needed."
      : `Needs ${n.required_signatures} approval${n.required_signatures === 1 ? "" : "s"} before ${new Date(n.expires_at * 1000).toISOString()}.`,
  ];
  if (a.generator_url) lines.push(`Source: ${a.generator_url}`);
  lines.push(`Incident ${n.incident_id} · approval ${n.approval_id}`);
  return lines.join("\n");
}
