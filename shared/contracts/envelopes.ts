import type {
  AnalyzeContinueV2,
  AnalyzeRequestedV1,
  ApprovalChangedV1,
  ClassifyRequestedV1,
  DeadLetterV1,
  DigestReadyV1,
  ExecuteRequestedV1,
  IncidentAcknowledgedV1,
  IncidentAdmittedV1,
  IncidentEscalatedV1,
  IncidentResolvedV1,
  NotifyRequestedV2,
  TicketRepeatedV1,
} from "./queue.ts";

/** What every envelope carries besides its payload: the idempotency key, when, and the correlation id it continues. */
export interface EnvelopeMeta {
  readonly id: string;
  readonly at: Date;
  readonly correlationId: string;
}

type Envelope = { readonly type: string; readonly version: number; readonly payload: unknown };

/**
 * The one way a queue message is made: each kind's builder stamps its type and
 * version, so no producer spells them (or the envelope's shape) by hand.
 * Publishing still parses the result against the versioned schema.
 */
function builder<M extends Envelope>(type: M["type"], version: M["version"]) {
  return (payload: M["payload"], meta: EnvelopeMeta): M =>
    ({ type, version, id: meta.id, occurredAt: meta.at.toISOString(), correlationId: meta.correlationId, payload }) as unknown as M;
}

export const analyzeRequested = builder<AnalyzeRequestedV1>("analyze.requested", 1);
export const incidentResolved = builder<IncidentResolvedV1>("incident.resolved", 1);
export const analyzeContinue = builder<AnalyzeContinueV2>("analyze.continue", 2);
export const classifyRequested = builder<ClassifyRequestedV1>("classify.requested", 1);
export const incidentAdmitted = builder<IncidentAdmittedV1>("incident.admitted", 1);
export const notifyRequested = builder<NotifyRequestedV2>("notify.requested", 2);
export const approvalChanged = builder<ApprovalChangedV1>("approval.changed", 1);
export const incidentEscalated = builder<IncidentEscalatedV1>("incident.escalated", 1);
export const incidentAcknowledged = builder<IncidentAcknowledgedV1>("incident.acknowledged", 1);
export const executeRequested = builder<ExecuteRequestedV1>("execute.requested", 1);
export const digestReady = builder<DigestReadyV1>("digest.ready", 1);
export const ticketRepeated = builder<TicketRepeatedV1>("ticket.repeated", 1);
export const deadLetter = builder<DeadLetterV1>("dead_letter", 1);
