import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import { executeRequested } from "./executions.ts";
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
      .publishExecute(executeRequested(approval.executionId, approval.id, approval.incidentId, services.now()))
      .catch((error) => services.log("hand_off_publish_failed", { approval_id: approval.id, error: String(error) }));
  }
}
