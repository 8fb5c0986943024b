import type { NotificationKindV2, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
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
  return {
    type: "notify.requested",
    version: 2,
    id: `notify:${approval.id}:${kind}${step}`,
    occurredAt: at.toISOString(),
    correlationId: `incident:${incident.id}`,
    payload: {
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
  };
}
