import type { IncidentId, NormalizedAlert } from "../../../shared/contracts/alert.ts";
import type { AnalyzeRequestedV1 } from "../../../shared/contracts/queue.ts";
import { fingerprintOf } from "../../../shared/domain/fingerprint.ts";
import type { Admission, AlertIndex } from "../../../shared/ports/alert-index.ts";

export interface IngestResult {
  readonly fingerprint: string;
  readonly incident_id: IncidentId | null;
  readonly status: Admission["status"];
}

export interface IngestDeps {
  readonly index: AlertIndex;
  /** Hands new incidents to analyze; must throw when they could not be enqueued. */
  readonly enqueue: (messages: readonly AnalyzeRequestedV1[]) => Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
}

/** Raised when new incidents could not be handed on: nothing of the request is kept, the sender should retry. */
export class HandOffFailed extends Error {
  constructor(cause: unknown) {
    super("could not enqueue new incidents", { cause });
    this.name = "HandOffFailed";
  }
}

/**
 * Admits a request's alerts in one Redis round trip and enqueues the new
 * incidents in as few sends as the queue allows. When enqueueing fails the new
 * dedup keys are released, so the sender's retry is treated as new again.
 */
export async function ingest(alerts: readonly NormalizedAlert[], deps: IngestDeps, correlationId: string): Promise<IngestResult[]> {
  const fingerprints = await Promise.all(alerts.map(fingerprintOf));
  const admissions = await deps.index.admit(
    alerts.map((alert, i) => ({ fingerprint: fingerprints[i]!, candidateIncidentId: deps.newId(), status: alert.status })),
    deps.now().getTime(),
  );

  const fresh = admissions.flatMap((admission, i) =>
    admission.status === "accepted" && admission.incidentId ? [{ admission, alert: alerts[i]!, incidentId: admission.incidentId }] : [],
  );
  if (fresh.length > 0) {
    const occurredAt = deps.now().toISOString();
    const messages: AnalyzeRequestedV1[] = fresh.map(({ admission, alert, incidentId }) => ({
      type: "analyze.requested",
      version: 1,
      id: `analyze:${incidentId}`,
      occurredAt,
      correlationId,
      payload: { incident_id: incidentId, fingerprint: admission.fingerprint, alert, degraded: false },
    }));
    try {
      await deps.enqueue(messages);
    } catch (error) {
      await deps.index
        .release(fresh.map(({ admission, incidentId }) => ({ fingerprint: admission.fingerprint, incidentId })))
        .catch((releaseError: unknown) => {
          console.error(JSON.stringify({ service: "webhook-receive", releaseFailed: String(releaseError) }));
        });
      throw new HandOffFailed(error);
    }
  }

  return admissions.map((admission) => ({ fingerprint: admission.fingerprint, incident_id: admission.incidentId ?? null, status: admission.status }));
}
