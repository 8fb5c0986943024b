import type { NewTicket } from "../../ports/ticket-tracker.ts";
import type { Occasion } from "./live.ts";
import type { NotificationView } from "./view.ts";

/** Ticket priority names (Jira's default scheme) per incident priority (seed 001 §9). */
export const TICKET_PRIORITY = { P0: "Highest", P1: "High", P2: "Medium", P3: "Low" } as const;

/**
 * The ticket an incident opens: its title names the alert and its target; the
 * body is the verdict as people read it (never a signing link: tickets are
 * shared places). Labels say it came from AWOOOI and its priority.
 */
export function ticketOf(v: NotificationView): NewTicket {
  return {
    // Plain: trackers list titles without the chat's severity mark.
    title: `[${v.priority}] ${v.alertType}${v.where ? ` on ${v.where}` : ""}`,
    body: verdictText(v).join("\n"),
    priority: v.priority,
    labels: ["awoooi", `priority:${v.priority}`, ...(v.security ? ["security"] : [])],
  };
}

function verdictText(v: NotificationView): string[] {
  return [
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
}

/** Notices that carry the verdict: a ticket opened before it (at admission) gets it as a comment. */
const VERDICT_KINDS = new Set<Occasion>(["approval_requested", "auto_approved", "notify_only"]);

/**
 * What a later notice appends to the incident's ticket: the verdict in full
 * when the ticket was opened before it, otherwise the change as one headline
 * with the approval's state — who decided, how the run went, the resolution.
 */
export function ticketCommentOf(v: NotificationView, occasion: Occasion): string {
  if (VERDICT_KINDS.has(occasion)) return [`**Verdict** — ${v.headline}`, "", ...verdictText(v)].join("\n");
  return [`**${v.headline}**`, ...(v.approval ? ["", `Approval: ${v.approval}`] : []), "", `Seen: ${v.seen}`].join("\n");
}

/** The hourly word on repeats: the hit count now and how many arrived since the ticket last heard. */
export function repeatCommentOf(hits: number, reported: number, lastSeen: string | undefined): string {
  const since = hits - reported;
  return `Still firing: seen ${hits} times in all, ${since} more since the last update${lastSeen ? ` (last at ${lastSeen})` : ""}.`;
}
