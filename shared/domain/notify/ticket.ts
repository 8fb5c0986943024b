import type { NewTicket } from "../../ports/ticket-tracker.ts";
import type { NotificationView } from "./view.ts";

/** Ticket priority names (Jira's default scheme) per incident priority (seed 001 §9). */
export const TICKET_PRIORITY = { P0: "Highest", P1: "High", P2: "Medium", P3: "Low" } as const;

/**
 * The ticket an incident opens: its title names the alert and its target; the
 * body is the verdict as people read it (never a signing link: tickets are
 * shared places). Labels say it came from AWOOOI and its priority.
 */
export function ticketOf(v: NotificationView): NewTicket {
  const body = [
    `**${v.alertType}**${v.where ? ` on \`${v.where}\`` : ""} — ${v.severity} (${v.priority}), from ${v.source}`,
    "",
    v.message,
    "",
    `- Root cause: ${v.rootCause}`,
    `- Risk: ${v.risk} · confidence ${v.confidence}% · verdict by ${v.verdictBy}`,
    `- Blast radius: ${v.blastRadius}`,
    `- Proposed: ${v.operation} — \`${v.command}\``,
    `- Seen: ${v.seen}`,
    ...(v.reasons.length > 0 ? [`- Why: ${v.reasons.join("; ")}`] : []),
    ...(v.sourceLink ? [`- ${v.sourceLink.label}: ${v.sourceLink.url}`] : []),
    "",
    `Incident \`${v.incidentId}\` · fingerprint \`${v.fingerprint}\``,
  ];
  return {
    // Plain: trackers list titles without the chat's severity mark.
    title: `[${v.priority}] ${v.alertType}${v.where ? ` on ${v.where}` : ""}`,
    body: body.join("\n"),
    priority: v.priority,
    labels: ["awoooi", `priority:${v.priority}`, ...(v.security ? ["security"] : [])],
  };
}
