import type { AnalyzeRequestedV1, ClassifyRequestedV1, IncidentResolvedV1 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";

export interface AnalyzeDeps {
  readonly incidents: IncidentStore;
  readonly approvals: ApprovalStore;
  readonly publishClassify: (message: ClassifyRequestedV1) => Promise<void>;
  readonly now: () => Date;
  /** How far back an open incident absorbs a Redis-less (degraded) delivery of its fingerprint. */
  readonly dedupWindowSeconds: number;
  readonly log: (event: Record<string, unknown>) => void;
}

/**
 * Opens the incident (idempotent on its id), obtains a verdict once, and hands
 * the incident to classify. A redelivery re-sends the same classify message
 * (same id), which classify absorbs: at-least-once in, exactly one approval out.
 * Alerts ingested without Redis are deduplicated here by fingerprint instead.
 */
export async function handleAnalyzeRequested(message: AnalyzeRequestedV1, deps: AnalyzeDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert, degraded } = message.payload;
  const input = { id: incidentId, fingerprint, alert, openedAt: new Date(alert.fired_at), correlationId: message.correlationId };
  let opened = await deps.incidents.get(incidentId);
  if (!opened && degraded) {
    const since = new Date(deps.now().getTime() - deps.dedupWindowSeconds * 1000);
    const result = await deps.incidents.openUnlessOpen(input, since);
    if (!result.created && result.incident.id !== incidentId) {
      deps.log({ event: "degraded_duplicate_absorbed", fingerprint, incidentId, openIncidentId: result.incident.id });
      return;
    }
    opened = result.incident;
  }
  opened ??= await deps.incidents.open(input);

  const analyzed = opened.rca ? opened : await deps.incidents.recordVerdict(incidentId, rulesVerdict(alert), deps.now());
  if (!analyzed.rca) throw new Error(`incident ${incidentId} has no verdict after analysis`);

  await deps.publishClassify({
    type: "classify.requested",
    version: 1,
    id: `classify:${incidentId}`,
    occurredAt: deps.now().toISOString(),
    correlationId: message.correlationId,
    payload: { incident_id: incidentId, fingerprint, alert: analyzed.alert, rca: analyzed.rca },
  });
}

/**
 * Closes the incident (its resolution time is what MTTR is computed from) and
 * makes a still-pending approval obsolete. A resolution that overtakes its own
 * analysis is retried until the incident exists.
 */
export async function handleIncidentResolved(message: IncidentResolvedV1, deps: AnalyzeDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, resolved_at: resolvedAt } = message.payload;
  const at = new Date(resolvedAt);
  const closed = incidentId ? [await deps.incidents.resolve(incidentId, at)] : await deps.incidents.resolveByFingerprint(fingerprint, at);
  if (incidentId && !closed[0]) throw new Error(`incident ${incidentId} not found yet; retrying its resolution`);
  for (const incident of closed) {
    if (!incident) continue;
    await deps.approvals.markObsolete(incident.id, at, `the ${message.payload.source} alert resolved`);
    deps.log({ event: "incident_resolved", incidentId: incident.id, fingerprint });
  }
}
