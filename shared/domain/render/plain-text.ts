import { type NotificationView, titleOf } from "../notify/view.ts";

/**
 * A channel-neutral rendering (dev inbox, console, plain-text fallbacks).
 * Links are listed separately by the caller, one per approver.
 */
export function renderPlainText(v: NotificationView): string {
  const lines = [
    `${titleOf(v)} (${v.source})`,
    v.message,
    "",
    `Root cause: ${v.rootCause}`,
    `Risk: ${v.risk} · confidence ${v.confidence}% · verdict by ${v.verdictBy}`,
    `Blast radius: ${v.blastRadius}`,
    `Proposed: ${v.operation} — ${v.command}`,
    `          ${v.description}`,
    ...(v.actionFacts ? [`          ${v.actionFacts}`] : []),
    `Seen: ${v.seen}`,
    "",
    v.headline,
  ];
  if (v.approval) lines.push(`Approval: ${v.approval}`);
  if (v.kind === "notify_only" && v.reasons.length > 0) lines.push(`Why: ${v.reasons.join("; ")}`);
  else if (v.learned) lines.push(`Learned: ${v.learned}`);
  if (v.sourceLink) lines.push(`${v.sourceLink.label}: ${v.sourceLink.url}`);
  if (v.ticket) lines.push(`Ticket: ${v.ticket.url}`);
  lines.push(`Incident ${v.incidentId}${v.approvalId ? ` · approval ${v.approvalId}` : ""}`);
  return lines.join("\n");
}
