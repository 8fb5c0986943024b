import type { AnalyzeRequestedV1, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";

export interface AnalyzeDeps {
  readonly incidents: IncidentStore;
  readonly publishClassify: (message: ClassifyRequestedV1) => Promise<void>;
  readonly now: () => Date;
}

/**
 * Opens the incident (idempotent on its id), obtains a verdict once, and hands
 * the incident to classify. A redelivery re-sends the same classify message
 * (same id), which classify absorbs: at-least-once in, exactly one approval out.
 */
export async function handleAnalyzeRequested(message: AnalyzeRequestedV1, deps: AnalyzeDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert } = message.payload;
  const opened = await deps.incidents.open({
    id: incidentId,
    fingerprint,
    alert,
    openedAt: new Date(alert.fired_at),
    correlationId: message.correlationId,
  });
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
