import type { ClassifyRequestedV1, NotifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { approvalExpiry } from "../../../shared/domain/approval-policy.ts";
import { decideTrust, type TrustPolicy } from "../../../shared/domain/trust-engine.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";
import type { TrustCountersSource } from "../../../shared/ports/trust-counters.ts";

export interface ClassifyDeps {
  readonly approvals: ApprovalStore;
  readonly incidents: IncidentStore;
  readonly counters: TrustCountersSource;
  readonly policy: TrustPolicy;
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
  const now = deps.now();
  const trust = decideTrust(
    { rca, namespace: alert.namespace, priority: alert.priority },
    await deps.counters.read(fingerprint, rca.suggested_action.operation, now.getTime()),
    deps.policy,
  );
  // Until notify can send link-less notices, "notify only" still asks a human to acknowledge.
  const decision =
    trust.kind === "notify_only" ? { ...trust, requiredSignatures: deps.policy.signatures[trust.riskLevel === "low" ? "medium" : trust.riskLevel] } : trust;
  const incident = await deps.incidents.get(incidentId);
  if (!incident) throw new Error(`incident ${incidentId} not found (yet)`);
  const resolved = incident.status === "resolved";
  const { approval } = await deps.approvals.createForIncident({
    id: deps.newId(),
    incidentId,
    riskLevel: decision.riskLevel,
    requiredSignatures: decision.requiredSignatures,
    autoApproved: !resolved && decision.kind === "auto_approve",
    initialStatus: resolved ? "OBSOLETE" : decision.kind === "auto_approve" ? "APPROVED" : "PENDING",
    reasons: resolved ? [...decision.reasons, "the incident resolved before a decision was needed"] : decision.reasons,
    action: rca.suggested_action,
    expiresAt: new Date(approvalExpiry(alert.priority, Math.floor(now.getTime() / 1000)) * 1000),
    createdAt: now,
    correlationId: message.correlationId,
  });

  // Nobody needs to act on an incident that resolved on its own.
  if (approval.status === "OBSOLETE") return;
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
