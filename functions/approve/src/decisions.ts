import type { Approver } from "../../../shared/contracts/approval.ts";
import { digestMatches, parseChatDecision } from "../../../shared/domain/chat-decision.ts";
import { type NotificationView, notificationView } from "../../../shared/domain/notify/view.ts";
import type { ApprovalRecord, DecisionOutcome } from "../../../shared/ports/approval-store.ts";
import { handOffOf } from "./executions.ts";
import { approvalChanged, approvalNotification } from "./notifications.ts";
import type { ApproveServices } from "./services.ts";

/**
 * What a deciding signature sets off: the hand-off of an approved action (its
 * outbox row was written with the decision; the sweep re-sends it should this
 * publish fail) and the human-decision counter of the autonomy index.
 */
export async function afterDecision(approval: ApprovalRecord, services: ApproveServices): Promise<void> {
  const incident = await services.incidents.get(approval.incidentId);
  if (incident) await services.metrics.increment("awoooi_incidents_human_resolved_total", { source: incident.alert.source, risk_level: approval.riskLevel });
  if (approval.status === "APPROVED" && approval.executionId) {
    await services
      .publishExecute(
        handOffOf(approval.executionId, approval.id, approval.incidentId, services.now(), incident?.correlationId ?? `incident:${approval.incidentId}`),
      )
      .catch((error) => services.log("hand_off_publish_failed", { approval_id: approval.id, error: String(error) }));
  }
}

/**
 * What every recorded signature sets off: the messages about the approval are
 * edited to show it (notify, through `approval.changed`), and a deciding one
 * is handed on. The change notice is best effort — the signature is recorded
 * and the approval page shows it either way.
 */
export async function afterSignature(approval: ApprovalRecord, approver: string, statusChanged: boolean, services: ApproveServices): Promise<void> {
  const incident = await services.incidents.get(approval.incidentId);
  const change = statusChanged ? (approval.status === "REJECTED" ? "rejected" : "approved") : "signed";
  const message = incident && approvalChanged(change, approver, approval, incident, services.now());
  if (message) {
    await services
      .publishApprovalChange(message)
      .catch((error) => services.log("approval_change_publish_failed", { approval_id: approval.id, error: String(error) }));
  }
  if (statusChanged) await afterDecision(approval, services);
}

export interface PressAnswer {
  readonly outcome: "recorded" | "repeat" | "closed" | "refused";
  readonly text: string;
  /** The approval to show in the pressed message, when the press concerned one. */
  readonly approval?: ApprovalRecord | undefined;
}

/**
 * A button press in a chat, by a person the platform identified (`approver`,
 * undefined when they are not on the roster): a signature bound to the action
 * digest the button carried. What to answer the presser is returned.
 */
export async function decideFromChat(services: ApproveServices, approver: Approver | undefined, data: string, via: "Telegram" | "Slack"): Promise<PressAnswer> {
  const decision = parseChatDecision(data);
  if (!decision) return { outcome: "refused", text: "This button is not understood; nothing was changed." };
  if (!approver) return { outcome: "refused", text: "You are not on the approver roster; nothing was changed." };
  const approval = await services.approvals.get(decision.approvalId);
  if (!approval) return { outcome: "refused", text: "This approval does not exist; nothing was changed." };
  if (!digestMatches(decision.digestPrefix, approval.action.digest)) {
    return { outcome: "refused", text: "This button is for another version of the action; nothing was changed.", approval };
  }
  const outcome: DecisionOutcome = await services.approvals.recordDecision({
    approvalId: approval.id,
    approver: approver.id,
    decision: decision.decision,
    comment: `via ${via}`,
    actionDigest: approval.action.digest ?? undefined,
    dryRun: services.dryRun,
    at: services.now(),
  });
  switch (outcome.kind) {
    case "not_found":
      return { outcome: "refused", text: "This approval does not exist; nothing was changed." };
    case "digest_mismatch":
    case "alternative_closed":
      return { outcome: "refused", text: "This button is for another version of the action; nothing was changed.", approval: outcome.approval };
    case "repeat":
      return { outcome: "repeat", text: `You (${approver.id}) already signed this approval.`, approval: outcome.approval };
    case "closed":
      return { outcome: "closed", text: `This approval is already ${outcome.approval.status}; nothing was recorded.`, approval: outcome.approval };
    case "recorded": {
      await afterSignature(outcome.approval, approver.id, outcome.statusChanged, services);
      const approvals = outcome.approval.signatures.filter((s) => s.decision === "approve").length;
      const verb = decision.decision === "approve" ? "approved" : "rejected";
      return {
        outcome: "recorded",
        text: outcome.statusChanged
          ? `Recorded: ${approver.id} ${verb}. The approval is now ${outcome.approval.status}.`
          : `Recorded: ${approver.id} ${verb} (${approvals} of ${outcome.approval.requiredSignatures}).`,
        approval: outcome.approval,
      };
    }
  }
}

/**
 * How a chat message about an approval reads now: its view (headed with the
 * decision once nothing more is asked) and, while pending, the buttons to keep.
 */
export async function approvalMessageNow(
  approval: ApprovalRecord,
  services: ApproveServices,
): Promise<{ view: NotificationView; buttons: { approvalId: string; digest: string | null } | undefined } | undefined> {
  const incident = await services.incidents.get(approval.incidentId);
  const notification = incident ? approvalNotification("approval_requested", approval, incident, services.now()) : undefined;
  if (!notification) return undefined;
  return {
    view: notificationView(notification.payload, undefined),
    buttons: approval.status === "PENDING" ? { approvalId: approval.id, digest: approval.action.digest } : undefined,
  };
}
