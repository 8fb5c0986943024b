import { approvalChanged as approvalChangedOf, notifyRequested } from "../../../shared/contracts/envelopes.ts";
import type { ApprovalChangedV1, NotificationKindV2, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import type { IncidentRecord } from "../../../shared/ports/incident-store.ts";

type Extra = Pick<NotifyRequestedV2["payload"], "escalation" | "execution">;

/**
 * A notify message about an approval. The id names the approval, the kind and
 * any step (escalation level), so a repeated sweep or result re-sends the same
 * id and notify delivers it once.
 */
export function approvalNotification(
  kind: Exclude<NotificationKindV2, "notify_only">,
  approval: ApprovalRecord,
  incident: IncidentRecord,
  at: Date,
  extra: Extra = {},
): NotifyRequestedV2 | undefined {
  if (!incident.rca) return undefined;
  const step = extra.escalation ? `:L${extra.escalation.level}` : "";
  return notifyRequested(
    {
      kind,
      incident_id: incident.id,
      approval_id: approval.id,
      fingerprint: incident.fingerprint,
      alert: incident.alert,
      rca: incident.rca,
      action: approval.action,
      required_signatures: approval.requiredSignatures,
      expires_at: Math.floor(approval.expiresAt.getTime() / 1000),
      reasons: [...approval.reasons],
      approval_status: approval.status,
      signatures: approval.signatures.map((s) => ({ approver: s.approver, decision: s.decision })),
      ...extra,
    },
    { id: `notify:${approval.id}:${kind}${step}`, at, correlationId: incident.correlationId },
  );
}

/**
 * A signature (or the decision it made) as a change notice. The id names the
 * approval and how many signatures it has, so a retried request re-sends the
 * same id and notify edits once.
 */
export function approvalChanged(
  change: ApprovalChangedV1["payload"]["change"],
  approver: string,
  approval: ApprovalRecord,
  incident: IncidentRecord,
  at: Date,
): ApprovalChangedV1 | undefined {
  const notification = approvalNotification("approval_requested", approval, incident, at);
  if (!notification) return undefined;
  return approvalChangedOf(
    { change, approver, notification: notification.payload },
    { id: `approval-changed:${approval.id}:${approval.signatures.length}:${change}`, at, correlationId: notification.correlationId },
  );
}
