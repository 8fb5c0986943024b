import type { ClassifyRequestedV1, NotifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { approvalExpiry, decideApproval } from "../../../shared/domain/approval-policy.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";

export interface ClassifyDeps {
  readonly approvals: ApprovalStore;
  readonly publishNotify: (message: NotifyRequestedV1) => Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
}

/**
 * Decides how much human approval the verdict needs, stores that as the
 * incident's one approval row, and tells notify. A redelivery finds the
 * existing row and re-sends the same notify message id, which notify absorbs.
 */
export async function handleClassifyRequested(message: ClassifyRequestedV1, deps: ClassifyDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert, rca } = message.payload;
  const decision = decideApproval(rca);
  const now = deps.now();
  const { approval } = await deps.approvals.createForIncident({
    id: deps.newId(),
    incidentId,
    riskLevel: decision.riskLevel,
    requiredSignatures: decision.requiredSignatures,
    autoApproved: decision.kind === "auto_approve",
    reasons: decision.reasons,
    action: rca.suggested_action,
    expiresAt: new Date(approvalExpiry(alert.priority, Math.floor(now.getTime() / 1000)) * 1000),
    createdAt: now,
    correlationId: message.correlationId,
  });

  const kind = approval.autoApproved ? "auto_approved" : "approval_requested";
  await deps.publishNotify({
    type: "notify.requested",
    version: 1,
    id: `notify:${approval.id}:${kind}`,
    occurredAt: now.toISOString(),
    correlationId: message.correlationId,
    payload: {
      kind,
      incident_id: incidentId,
      approval_id: approval.id,
      fingerprint,
      alert,
      rca,
      required_signatures: approval.requiredSignatures,
      expires_at: Math.floor(approval.expiresAt.getTime() / 1000),
    },
  });
}
