import * as z from "zod/v4";
import type { Approver } from "../../../shared/contracts/approval.ts";
import { escapeTelegramHtml } from "../../../shared/domain/notify/telegram.ts";
import { acknowledgeIncident } from "./acknowledgements.ts";
import type { ApproveServices } from "./services.ts";

/** `/command@bot args` → command and arguments (PROTOCOLS §15: strip `@botname`). */
export function parseCommand(text: string): { command: string; args: string[] } | undefined {
  const match = /^\/([a-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$/s.exec(text.trim());
  if (!match) return undefined;
  return { command: match[1]!, args: (match[2] ?? "").split(/\s+/).filter(Boolean) };
}

const HELP =
  "Commands: /pending — approvals waiting · /incident &lt;id&gt; — one incident · /ack &lt;id&gt; — you are on it (stops its escalation) · /status — open incidents and pending approvals";

/**
 * Answers a command from a roster member, as HTML for the chat it came from.
 * Only /ack changes anything (as that member): decisions are made with the
 * buttons (or a person's own link).
 */
export async function answerCommand(command: string, args: readonly string[], member: Approver, services: ApproveServices): Promise<string> {
  switch (command) {
    case "ack": {
      const id = z.uuid().safeParse(args[0]);
      if (!id.success) return "Usage: /ack &lt;incident id&gt;";
      return escapeTelegramHtml((await acknowledgeIncident(services, id.data, member.id)).text);
    }
    case "pending": {
      const pending = await services.approvals.list({ status: "PENDING", limit: 10 });
      if (pending.length === 0) return "Nothing is waiting for a decision.";
      const lines = await Promise.all(
        pending.map(async (a) => {
          const incident = await services.incidents.get(a.incidentId);
          const signed = a.signatures.filter((s) => s.decision === "approve").length;
          const what = incident ? `${incident.alert.alert_type}${incident.alert.namespace ? ` in ${incident.alert.namespace}` : ""}` : a.incidentId;
          return `• <b>[${a.priority}]</b> ${escapeTelegramHtml(what)} — ${a.action.operation}, ${signed}/${a.requiredSignatures} approvals, until ${a.expiresAt.toISOString()} · <code>${a.incidentId}</code>`;
        }),
      );
      return `<b>Waiting for a decision</b> (newest first)\n${lines.join("\n")}`;
    }
    case "incident": {
      const id = z.uuid().safeParse(args[0]);
      if (!id.success) return "Usage: /incident &lt;incident id&gt;";
      const incident = await services.incidents.get(id.data);
      if (!incident) return `No incident <code>${id.data}</code>.`;
      const approval = await services.approvals.getByIncident(incident.id);
      const a = incident.alert;
      return [
        `<b>[${a.priority}] ${escapeTelegramHtml(a.alert_type)}</b>${a.namespace ? ` in ${escapeTelegramHtml(a.namespace)}` : ""} — ${incident.status}`,
        escapeTelegramHtml(a.message),
        incident.rca ? `Root cause: ${escapeTelegramHtml(incident.rca.root_cause)}` : "Analysis pending.",
        approval
          ? `Approval ${approval.status}: ${approval.signatures.filter((s) => s.decision === "approve").length}/${approval.requiredSignatures} · ${escapeTelegramHtml(approval.action.command)}`
          : "No approval.",
      ].join("\n");
    }
    case "status": {
      const counts = await services.stats.counts(services.now());
      return `<b>AWOOOI</b>: ${counts.openIncidents} open incident(s), ${counts.pendingApprovals} approval(s) pending.`;
    }
    default:
      return HELP;
  }
}
