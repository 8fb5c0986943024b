import type { AnalyzeContinueV1, AnalyzeRequestedV1, IncidentResolvedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import { type AnalysisDeps, conclude, continueAfterJob, handOff, runChain } from "./analysis.ts";

export interface AnalyzeDeps extends AnalysisDeps {
  readonly approvals: ApprovalStore;
  /** Where synthetic smoke runs are stamped; absent without Redis. */
  readonly smoke: SmokeLedger | undefined;
  readonly publishNotify: (message: NotifyRequestedV2) => Promise<void>;
  /** How far back an open incident absorbs a Redis-less (degraded) delivery of its fingerprint. */
  readonly dedupWindowSeconds: number;
}

/**
 * Opens the incident (idempotent on its id) and analyzes it once. A redelivery
 * finds the verdict (and re-sends classify only if that never happened), or a
 * job still pending at a slow provider, and does nothing more. Alerts ingested
 * without Redis are deduplicated here by fingerprint instead.
 */
export async function handleAnalyzeRequested(message: AnalyzeRequestedV1, deps: AnalyzeDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert, degraded } = message.payload;
  const input = { id: incidentId, fingerprint, alert, openedAt: new Date(alert.fired_at), correlationId: message.correlationId };
  let incident = await deps.incidents.get(incidentId);
  if (!incident) {
    // Postgres is the backstop for Redis: an open incident of the fingerprint absorbs this one, whether ingest
    // ran without Redis (degraded) or Redis forgot the incident (an outage, a flush).
    const since = new Date(deps.now().getTime() - deps.dedupWindowSeconds * 1000);
    const result = await deps.incidents.openUnlessOpen(input, since);
    if (!result.created && result.incident.id !== incidentId) {
      deps.log({ event: degraded ? "degraded_duplicate_absorbed" : "duplicate_absorbed", fingerprint, incidentId, openIncidentId: result.incident.id });
      if (!degraded) await deps.alertIndex?.adopt(fingerprint, incidentId, result.incident.id).catch(() => undefined);
      return;
    }
    incident = result.incident;
    await deps.metrics.increment("awoooi_incidents_total", { source: alert.source, severity: alert.severity });
  }

  const smokeRun = smokeRunOf(alert);
  if (smokeRun) {
    // A smoke run proves the chain, not a model: rules only, then on to classify.
    if (!incident.rca) await conclude(incident, rulesVerdict(alert), deps, message.correlationId);
    else await handOff(incident, deps, message.correlationId);
    await deps.smoke?.stamp(smokeRun, "analyzed", deps.now().getTime());
    return;
  }
  if (incident.rca) return handOff(incident, deps, message.correlationId);
  if (incident.pending && incident.pending.until > deps.now()) return;
  await runChain(incident, 0, deps, message.correlationId);
}

export async function handleAnalyzeContinue(message: AnalyzeContinueV1, deps: AnalyzeDeps): Promise<void> {
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
    deps.log({ event: "incident_resolved", incidentId: incident.id, fingerprint });
    // Whoever was told about the incident (and PagerDuty's open page) hears that it is over.
    if (incident.rca && incident.triage) {
      const approval = await deps.approvals.getByIncident(incident.id);
      await deps.publishNotify({
        type: "notify.requested",
        version: 2,
        id: `notify:${incident.id}:resolved`,
        occurredAt: deps.now().toISOString(),
        correlationId: message.correlationId,
        payload: {
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
      });
    }
  }
}
