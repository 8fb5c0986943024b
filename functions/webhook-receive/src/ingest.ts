import type { Fingerprint, IncidentId, NormalizedAlert } from "../../../shared/contracts/alert.ts";
import { analyzeRequested, incidentResolved } from "../../../shared/contracts/envelopes.ts";
import type { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { fingerprintOf } from "../../../shared/domain/fingerprint.ts";
import type { MetricsBuffer } from "../../../shared/domain/metrics-buffer.ts";
import { scrubAlert } from "../../../shared/domain/normalize/scrub-alert.ts";
import { fitAlertToMessage } from "../../../shared/domain/queue-fit.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import { overflowAlert, overflowIdentity, stormAlert, stormIdentity } from "../../../shared/domain/synthetic-incidents.ts";
import type { Log } from "../../../shared/logging.ts";
import { type Admission, type AdmissionPolicy, type AlertIndex, memberValue, type Release } from "../../../shared/ports/alert-index.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";

export interface IngestResult {
  readonly fingerprint: string;
  readonly incident_id: IncidentId | null;
  readonly status: Admission["status"];
}

export interface IngestPolicy extends Pick<AdmissionPolicy, "source" | "rateLimitPerMinute" | "overLimit" | "stormThreshold"> {
  /**
   * When the queue refuses: `retry` answers 503 and undoes the request (for
   * senders that retry 5xx), `park` keeps the messages in Redis for the cron to
   * re-enqueue and answers 2xx (for senders that never retry).
   */
  readonly queueFailure: "retry" | "park";
}

export interface IngestDeps {
  readonly index: AlertIndex;
  /** Hands messages to analyze; must throw when they could not be enqueued. */
  readonly enqueue: (messages: readonly AnalyzeQueueMessage[]) => Promise<void>;
  /** Keeps messages durably for a later enqueue; must throw when it could not. */
  readonly park: (messages: readonly AnalyzeQueueMessage[]) => Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly log: Log;
  /** Samples owed to the metrics hash; they travel with this request's admission. */
  readonly metrics: MetricsBuffer;
  /** Stamps synthetic smoke runs as received. */
  readonly smoke: SmokeLedger | undefined;
}

export type IngestOutcome =
  | { readonly kind: "ingested"; readonly results: readonly IngestResult[]; readonly degraded: boolean; readonly parked: boolean }
  | { readonly kind: "refused"; readonly retryAfterSeconds: number };

/** Raised when new incidents could not be handed on: nothing of the request is kept, the sender should retry. */
export class HandOffFailed extends Error {
  constructor(cause: unknown) {
    super("could not enqueue new incidents", { cause });
    this.name = "HandOffFailed";
  }
}

interface Prepared {
  readonly alert: NormalizedAlert;
  readonly fingerprint: Fingerprint;
  readonly stormFingerprint: Fingerprint;
  readonly candidate: IncidentId;
}

/**
 * Admits a request's alerts in one Redis round trip and enqueues what follows
 * from it — analyses of new incidents (or of the storm/overflow incident that
 * absorbs them) and resolutions — in as few sends as the queue allows.
 *
 * If Redis is unreachable the alerts are still accepted and enqueued, flagged
 * degraded, and analyze dedupes them by fingerprint in Postgres.
 */
export async function ingest(rawAlerts: readonly NormalizedAlert[], deps: IngestDeps, policy: IngestPolicy, correlationId: string): Promise<IngestOutcome> {
  const now = deps.now();
  const prepared = await prepare(rawAlerts, deps);
  const overflowFingerprint = await fingerprintOf(overflowIdentity(policy.source));
  const overflowCandidateId = deps.newId();

  let admissions: readonly Admission[];
  let degraded = false;
  const metricDeltas = deps.metrics.drain();
  try {
    const result = await deps.index.admit(
      prepared.map((p) => ({
        fingerprint: p.fingerprint,
        candidateIncidentId: p.candidate,
        status: p.alert.status,
        stormGroup: p.stormFingerprint,
        stormFingerprint: p.stormFingerprint,
        stormCandidateId: deps.newId(),
      })),
      { ...policy, overflowFingerprint, overflowCandidateId, metricDeltas },
      now.getTime(),
    );
    if (result.kind === "refused") return result;
    admissions = result.admissions;
  } catch (error) {
    deps.metrics.restore(metricDeltas);
    deps.metrics.increment("awoooi_alerts_received_total", { source: policy.source, status: "degraded" }, prepared.length);
    deps.log("alert_index_unavailable", { degraded: true, error: String(error) });
    degraded = true;
    admissions = prepared.map((p) =>
      p.alert.status === "firing"
        ? { fingerprint: p.fingerprint, incidentId: p.candidate, status: "accepted", hitCount: 1, event: "opened" }
        : { fingerprint: p.fingerprint, incidentId: undefined, status: "resolved", hitCount: 0, event: "closed" },
    );
  }

  const messages = followUps(admissions, prepared, { now, correlationId, degraded, policy, overflowFingerprint });
  let parked = false;
  if (messages.length > 0) {
    try {
      await deps.enqueue(messages);
    } catch (error) {
      parked =
        policy.queueFailure === "park" &&
        !degraded &&
        (await deps.park(messages).then(
          () => true,
          (parkError: unknown) => {
            deps.log("park_failed", { error: String(parkError) });
            return false;
          },
        ));
      if (!parked) {
        if (!degraded) await undo(admissions, prepared, deps, overflowFingerprint, { nowMs: now.getTime(), source: policy.source });
        throw new HandOffFailed(error);
      }
      deps.log("alerts_parked", { messages: messages.length, error: String(error) });
    }
  }

  for (const p of prepared) {
    const run = p.alert.status === "firing" ? smokeRunOf(p.alert) : undefined;
    if (run) {
      // A run posted from outside (npm run smoke) starts here; the cron's own runs already carry "sent".
      await deps.smoke?.stamp(run, "sent", now.getTime());
      await deps.smoke?.stamp(run, "received", now.getTime());
    }
  }

  return {
    kind: "ingested",
    degraded,
    parked,
    results: admissions.map((a) => ({ fingerprint: a.fingerprint, incident_id: a.incidentId ?? null, status: a.status })),
  };
}

async function prepare(alerts: readonly NormalizedAlert[], deps: IngestDeps): Promise<Prepared[]> {
  const stormCache = new Map<string, Promise<Fingerprint>>();
  return Promise.all(
    alerts.map(async (raw) => {
      const alert = scrubAlert(raw);
      const groupKey = `${alert.alert_type}\u0000${alert.namespace ?? ""}`;
      let storm = stormCache.get(groupKey);
      if (!storm) {
        storm = fingerprintOf(stormIdentity(alert));
        stormCache.set(groupKey, storm);
      }
      return { alert, fingerprint: await fingerprintOf(alert), stormFingerprint: await storm, candidate: deps.newId() };
    }),
  );
}

function followUps(
  admissions: readonly Admission[],
  prepared: readonly Prepared[],
  ctx: { now: Date; correlationId: string; degraded: boolean; policy: IngestPolicy; overflowFingerprint: Fingerprint },
): AnalyzeQueueMessage[] {
  const occurredAt = ctx.now.toISOString();
  const messages: AnalyzeQueueMessage[] = [];
  admissions.forEach((admission, i) => {
    const { alert, fingerprint, stormFingerprint } = prepared[i]!;
    const analyze = (incidentId: IncidentId, fp: Fingerprint, subject: NormalizedAlert) =>
      messages.push(
        analyzeRequested(
          // Trimmed (and flagged) rather than refused by the queue: one huge alert must not fail the request.
          { incident_id: incidentId, fingerprint: fp, alert: fitAlertToMessage(subject), degraded: ctx.degraded },
          { id: `analyze:${incidentId}`, at: ctx.now, correlationId: ctx.correlationId },
        ),
      );
    const incidentId = admission.incidentId;
    switch (admission.event) {
      case "opened":
        if (incidentId) analyze(incidentId, fingerprint, alert);
        break;
      case "opened_storm":
        if (incidentId) analyze(incidentId, stormFingerprint, stormAlert(alert, ctx.policy.stormThreshold, ctx.now));
        break;
      case "opened_overflow":
        if (incidentId) analyze(incidentId, ctx.overflowFingerprint, overflowAlert(alert, ctx.policy.rateLimitPerMinute, ctx.now));
        break;
      case "closed":
        messages.push(
          incidentResolved(
            { incident_id: incidentId ?? null, fingerprint, resolved_at: occurredAt, source: alert.source },
            { id: `resolve:${incidentId ?? fingerprint}:${alert.fired_at}`, at: ctx.now, correlationId: ctx.correlationId },
          ),
        );
        break;
      case "none":
        break;
    }
  });
  return messages;
}

/** Releases the keys of every incident this request opened, so the retry is new again. */
async function undo(
  admissions: readonly Admission[],
  prepared: readonly Prepared[],
  deps: IngestDeps,
  overflowFingerprint: Fingerprint,
  counting: { nowMs: number; source: string },
): Promise<void> {
  const opened = new Set(admissions.filter((a) => a.event.startsWith("opened") && a.incidentId).map((a) => a.incidentId!));
  const keys = new Map<string, Release>();
  admissions.forEach((a, i) => {
    if (!a.incidentId || !opened.has(a.incidentId)) return;
    const value = a.event === "opened" ? a.incidentId : memberValue(a.incidentId);
    keys.set(a.fingerprint, { fingerprint: a.fingerprint, value });
    if (a.event === "opened_storm") keys.set(prepared[i]!.stormFingerprint, { fingerprint: prepared[i]!.stormFingerprint, value: a.incidentId });
    if (a.event === "opened_overflow") keys.set(overflowFingerprint, { fingerprint: overflowFingerprint, value: a.incidentId });
  });
  // Every new fingerprint raised its storm group's counter; every opened incident the source's rate counter.
  const stormGroups: Record<string, number> = {};
  admissions.forEach((a, i) => {
    if (a.status === "accepted" || a.status === "storm" || a.status === "rate_limited") {
      const group = prepared[i]!.stormFingerprint;
      stormGroups[group] = (stormGroups[group] ?? 0) + 1;
    }
  });
  const counts = { ...counting, opened: admissions.filter((a) => a.status === "accepted").length, stormGroups };
  await deps.index.release([...keys.values()], [...opened], counts).catch((error: unknown) => deps.log("release_failed", { error: String(error) }));
}
