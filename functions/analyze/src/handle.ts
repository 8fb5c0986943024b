import { incidentAdmitted, notifyRequested } from "../../../shared/contracts/envelopes.ts";
import type { AnalyzeContinueV2, AnalyzeRequestedV1, IncidentAdmittedV1, IncidentResolvedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { IncidentRecord } from "../../../shared/ports/incident-store.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import { PermanentError } from "../../../shared/queue/consume.ts";
import { type AnalysisDeps, conclude, continueAfterJob, handOff, runChain, stepFor } from "./analysis.ts";

export interface AnalyzeDeps extends AnalysisDeps {
  readonly approvals: ApprovalStore;
  /** Where synthetic smoke runs are stamped; absent without Redis. */
  readonly smoke: SmokeLedger | undefined;
  readonly publishNotify: (message: NotifyRequestedV2) => Promise<void>;
  /** Announces a new P0/P1 to notify before its analysis. */
  readonly announce: (message: IncidentAdmittedV1) => Promise<void>;
  /** How far back an open incident absorbs a Redis-less (degraded) delivery of its fingerprint. */
  readonly dedupWindowSeconds: number;
}

/**
 * Opens the incident (idempotent on its id) and analyzes it once. A redelivery
 * finds the verdict (and re-sends classify only if that never happened), or a
 * job still pending at a slow provider, and does nothing more. Alerts ingested
 * without Redis are deduplicated here by fingerprint instead.
 */
export async function handleAnalyzeRequested(message: AnalyzeRequestedV1, deps: AnalyzeDeps, delivery: Delivery = FIRST_DELIVERY): Promise<void> {
  const incident = await openIncident(message, deps, delivery);
  if (!incident) return;
  const { alert } = message.payload;
  const smokeRun = smokeRunOf(alert);
  if (smokeRun) {
    // A smoke run proves the chain, not a model: rules only, then on to classify.
    if (!incident.rca) await conclude(incident, rulesVerdict(alert), deps, message.correlationId);
    else await handOff(incident, deps, message.correlationId);
    await deps.smoke?.stamp(smokeRun, "analyzed", deps.now().getTime());
    return;
  }
  const step = stepFor(incident, { kind: "requested" }, deps);
  if (step.do === "hand_off") return handOff(incident, deps, message.correlationId);
  if (step.do === "nothing" && incident.rca) return;
  // The fast lane: people hear of a P0/P1 now, not after the providers' timeouts. A redelivery re-sends the same id.
  if (alert.priority === "P0" || alert.priority === "P1") {
    await deps.announce(
      incidentAdmitted(
        { incident_id: incident.id, fingerprint: incident.fingerprint, alert },
        { id: `notify:${incident.id}:admitted`, at: deps.now(), correlationId: message.correlationId },
      ),
    );
  }
  if (step.do === "run_chain") await runChain(incident, step.from, deps, message.correlationId);
}

/** Which delivery of its message this is (1-based), and how many the queue makes before giving up. */
export interface Delivery {
  readonly attempts: number;
  readonly maxDeliveries: number;
}
const FIRST_DELIVERY: Delivery = { attempts: 1, maxDeliveries: Number.POSITIVE_INFINITY };

/**
 * The incident row of an admitted alert, opened once. Undefined when Postgres
 * already had the fingerprint open (this one was absorbed into it). When the row
 * can never be written (Postgres refuses the data) or this was the queue's last
 * delivery, the fingerprint's Redis key is released before the message is
 * dead-lettered, so Redis never points repeats at an incident that does not exist.
 */
async function openIncident(message: AnalyzeRequestedV1, deps: AnalyzeDeps, delivery: Delivery): Promise<IncidentRecord | undefined> {
  const { incident_id: incidentId, fingerprint, alert, degraded } = message.payload;
  const input = { id: incidentId, fingerprint, alert, openedAt: new Date(alert.fired_at), correlationId: message.correlationId };
  try {
    const existing = await deps.incidents.get(incidentId);
    if (existing) return existing;
    // Postgres is the backstop for Redis: an open incident of the fingerprint absorbs this one, whether ingest
    // ran without Redis (degraded) or Redis forgot the incident (an outage, a flush).
    const since = new Date(deps.now().getTime() - deps.dedupWindowSeconds * 1000);
    const result = await deps.incidents.openUnlessOpen(input, since);
    if (!result.created && result.incident.id !== incidentId) {
      deps.log(degraded ? "degraded_duplicate_absorbed" : "duplicate_absorbed", { fingerprint, incidentId, openIncidentId: result.incident.id });
      if (!degraded) await deps.alertIndex?.adopt(fingerprint, incidentId, result.incident.id).catch(() => undefined);
      return undefined;
    }
    await deps.metrics.increment("awoooi_incidents_total", { source: alert.source, severity: alert.severity });
    return result.incident;
  } catch (error) {
    const refused = isDataRefusal(error);
    if (!refused && delivery.attempts < delivery.maxDeliveries) throw error;
    const released = await deps.alertIndex
      ?.release([{ fingerprint, value: incidentId }], [incidentId])
      .then(() => true)
      .catch(() => false);
    deps.log("incident_unstorable", { incidentId, fingerprint, attempts: delivery.attempts, released: released ?? false, error: String(error) });
    throw new PermanentError(
      `incident ${incidentId} could not be stored after ${delivery.attempts} deliveries${refused ? " (Postgres refused the data)" : ""}: ${String(error).slice(0, 300)}; ` +
        (released ? `fingerprint ${fingerprint} released, so its next sighting opens a new incident` : `fingerprint ${fingerprint} could not be released`),
    );
  }
}

/** Postgres data exceptions (SQLSTATE class 22, e.g. 22P05 unsupported Unicode escape): retrying cannot help. */
function isDataRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22");
}

export async function handleAnalyzeContinue(message: AnalyzeContinueV2, deps: AnalyzeDeps): Promise<void> {
  await continueAfterJob(message, deps);
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
    deps.log("incident_resolved", { incidentId: incident.id, fingerprint });
    // Whoever was told about the incident (and PagerDuty's open page) hears that it is over.
    if (incident.rca && incident.triage) {
      const approval = await deps.approvals.getByIncident(incident.id);
      await deps.publishNotify(
        notifyRequested(
          {
            kind: "resolved",
            incident_id: incident.id,
            ...(approval ? { approval_id: approval.id, approval_status: approval.status, expires_at: Math.floor(approval.expiresAt.getTime() / 1000) } : {}),
            fingerprint: incident.fingerprint,
            alert: incident.alert,
            rca: incident.rca,
            required_signatures: approval?.requiredSignatures ?? 0,
            reasons: [],
            signatures: approval?.signatures.map((s) => ({ approver: s.approver, decision: s.decision })) ?? [],
          },
          { id: `notify:${incident.id}:resolved`, at: deps.now(), correlationId: message.correlationId },
        ),
      );
    }
  }
}
