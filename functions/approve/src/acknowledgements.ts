import type { Approver } from "../../../shared/contracts/approval.ts";
import { incidentAcknowledged } from "../../../shared/contracts/envelopes.ts";
import type { IncidentRecord } from "../../../shared/ports/incident-store.ts";
import type { ApproveServices } from "./services.ts";

export interface AckAnswer {
  readonly outcome: "acknowledged" | "repeat" | "closed" | "refused";
  readonly text: string;
  readonly incident?: IncidentRecord | undefined;
}

/**
 * "I am on it": stops the incident's escalation for want of a response (its
 * resolution SLA still applies). The first acknowledgement stands; a repeat
 * says who it was. `by` is a roster id, or the ops API's caller.
 */
export async function acknowledgeIncident(services: ApproveServices, incidentId: string, by: string): Promise<AckAnswer> {
  const result = await services.incidents.acknowledge(incidentId, by, services.now());
  if (!result) return { outcome: "refused", text: `There is no incident ${incidentId}; nothing was changed.` };
  const { incident, acknowledged } = result;
  if (acknowledged) {
    await announce(incident, by, services);
    return { outcome: "acknowledged", text: `Acknowledged by ${by}: escalation for a response stops.`, incident };
  }
  if (incident.acknowledged) {
    return { outcome: "repeat", text: `Already acknowledged by ${incident.acknowledged.by} at ${incident.acknowledged.at.toISOString()}.`, incident };
  }
  return { outcome: "closed", text: `The incident is ${incident.status}; nothing to acknowledge.`, incident };
}

/**
 * Tells notify, so the chats show who is on it. Only for an incident with
 * nothing to sign: an approval's messages keep their buttons. Best effort —
 * the acknowledgement is recorded and the API shows it either way.
 */
async function announce(incident: IncidentRecord, by: string, services: ApproveServices): Promise<void> {
  if (await services.approvals.getByIncident(incident.id)) return;
  const at = incident.acknowledged?.at ?? services.now();
  await services
    .publishAcknowledgement(
      incidentAcknowledged(
        { incident_id: incident.id, fingerprint: incident.fingerprint, alert: incident.alert, rca: incident.rca ?? null, by, at: at.toISOString() },
        { id: `incident-acknowledged:${incident.id}`, at, correlationId: incident.correlationId },
      ),
    )
    .catch((error) => services.log("acknowledgement_publish_failed", { incident_id: incident.id, error: String(error) }));
}

/** A press of an Acknowledge button: by whoever the platform identified, if they are on the roster. */
export function acknowledgeFromChat(services: ApproveServices, approver: Approver | undefined, incidentId: string): Promise<AckAnswer> {
  if (!approver) return Promise.resolve({ outcome: "refused", text: "You are not on the approver roster; nothing was changed." });
  return acknowledgeIncident(services, incidentId, approver.id);
}
