import { incidentEscalated, ticketRepeated } from "../../../shared/contracts/envelopes.ts";
import { approversAtStep } from "../../../shared/domain/roster.ts";
import { ESCALATION_LADDER, escalationLevel, escalationSteps, incidentEscalationTarget } from "../../../shared/domain/sla.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import type { EscalationStep } from "../../../shared/ports/incident-store.ts";
import { sendDigestIfDue } from "./digest.ts";
import { handOffOf } from "./executions.ts";
import { approvalNotification } from "./notifications.ts";
import type { ApproveServices } from "./services.ts";

/** Rows handled per sweep and kind; a backlog drains over the following ticks. */
const SWEEP_LIMIT = 200;
/** An outbox row this old was not handed off by the request that wrote it. */
const OUTBOX_GRACE_MS = 2 * 60_000;

export interface SweepReport {
  readonly expired: number;
  readonly escalations: number;
  readonly incidentEscalations: number;
  readonly handOffsResent: number;
  readonly ticketRepeats: number;
  readonly digestSent: boolean;
}

/**
 * The approve function's cron: expire approvals past their deadline, escalate
 * those waiting past their response SLA, and re-send hand-offs whose queue
 * message was lost. Every step is a conditional update, so overlapping or
 * repeated sweeps change each row once; `now` is the cron's scheduled time.
 */
export async function runSweeps(services: ApproveServices, now: Date): Promise<SweepReport> {
  const expired = await expireApprovals(services, now);
  const escalations = await escalateApprovals(services, now);
  const incidentEscalations = await escalateIncidents(services, now);
  const handOffsResent = await resendStaleHandOffs(services, now);
  // Neither a ticket comment nor the digest may stop the sweeps that keep decisions moving.
  const ticketRepeats = await reportTicketRepeats(services, now).catch((error: unknown) => {
    services.log("ticket_repeats_failed", { error: String(error) });
    return 0;
  });
  const digestSent = await sendDigestIfDue(services, now).catch((error: unknown) => {
    services.log("digest_failed", { error: String(error) });
    return false;
  });
  return { expired, escalations, incidentEscalations, handOffsResent, ticketRepeats, digestSent };
}

/** Repeats are reported on a ticket at most this often (issue #18: "at most one comment per hour"). */
const TICKET_REPEAT_INTERVAL_MS = 60 * 60_000;

/**
 * Open incidents whose ticket has not heard anything for an hour: when the
 * alert fired again since, notify comments the new count. Each report is
 * announced under an id naming the count (notify absorbs a repeat), then
 * claimed by moving the reported count, so overlapping sweeps report once.
 * A ticket without new hits is stamped too, so it waits another hour.
 */
async function reportTicketRepeats(services: ApproveServices, now: Date): Promise<number> {
  let reported = 0;
  for (const t of await services.tickets.quietSince(new Date(now.getTime() - TICKET_REPEAT_INTERVAL_MS), SWEEP_LIMIT)) {
    const counters = await services.alertIndex.counters(t.incidentId).catch(() => undefined);
    if (!counters) continue;
    if (counters.hitCount <= t.reportedHits) {
      await services.tickets.claimRepeatReport(t.incidentId, t.reportedHits, t.reportedHits, now);
      continue;
    }
    const id = `ticket-repeat:${t.incidentId}:${counters.hitCount}`;
    await services.publishTicketRepeat(
      ticketRepeated(
        {
          incident_id: t.incidentId,
          ticket: t.ticket,
          hit_count: counters.hitCount,
          reported_hits: t.reportedHits,
          last_seen: new Date(counters.lastSeen).toISOString(),
        },
        { id, at: now, correlationId: t.correlationId },
      ),
    );
    if (await services.tickets.claimRepeatReport(t.incidentId, t.reportedHits, counters.hitCount, now)) reported++;
  }
  return reported;
}

async function expireApprovals(services: ApproveServices, now: Date): Promise<number> {
  const expired = await services.approvals.expireDue(now, SWEEP_LIMIT);
  for (const approval of expired) {
    const incident = await services.incidents.get(approval.incidentId);
    const message = incident && approvalNotification("expired", approval, incident, now);
    if (message) await services.publishNotify(message);
  }
  return expired.length;
}

async function escalateApprovals(services: ApproveServices, now: Date): Promise<number> {
  let escalations = 0;
  for (const { approval, priority } of await services.approvals.dueForEscalation(now, services.sla.responseSeconds, services.escalationCeiling, SWEEP_LIMIT)) {
    const waitingSeconds = Math.floor((now.getTime() - approval.createdAt.getTime()) / 1000);
    const target = escalationLevel(priority, waitingSeconds, services.sla, services.escalationCeiling);
    const steps = escalationSteps(approval.escalationLevel, target);
    if (steps.length === 0) continue;
    const details = { priority, waiting_seconds: waitingSeconds, response_sla_seconds: services.sla.responseSeconds[priority], from: approval.escalationLevel };
    // Announce first, then record: a failed update re-announces with the same ids, which notify absorbs.
    const incident = await services.incidents.get(approval.incidentId);
    for (const level of steps) {
      const message =
        incident &&
        approvalNotification("escalated", { ...approval, escalationLevel: level }, incident, now, {
          escalation: {
            level,
            role: ESCALATION_LADDER[level] ?? `L${level}`,
            overdue_seconds: Math.max(0, waitingSeconds - services.sla.responseSeconds[priority]),
          },
        });
      if (message) await services.publishNotify(message);
    }
    if (await services.approvals.escalate(approval.id, target, now, details)) {
      escalations += steps.length;
      await services.incidents.appendEscalationSteps(
        approval.incidentId,
        steps.map((level) => stepOf(level, "approval_pending", now, services)),
      );
    }
  }
  return escalations;
}

/**
 * Incidents with nothing to sign that nobody acknowledged within the response
 * SLA, and any incident still open past its resolution SLA, climb one level per
 * period to the people of the next level present, up to the priority's ceiling.
 */
async function escalateIncidents(services: ApproveServices, now: Date): Promise<number> {
  let escalations = 0;
  for (const { incident, awaitingAck } of await services.incidents.dueForEscalation(now, services.sla, services.escalationCeiling, SWEEP_LIMIT)) {
    // The chain's own smoke alerts are resolved by the smoke run, never escalated to people.
    if (smokeRunOf(incident.alert)) continue;
    const priority = incident.alert.priority;
    const ageSeconds = Math.floor((now.getTime() - incident.openedAt.getTime()) / 1000);
    const { level: target, reason } = incidentEscalationTarget(priority, ageSeconds, awaitingAck, services.sla, services.escalationCeiling);
    const levels = escalationSteps(incident.escalationLevel, target);
    if (levels.length === 0) continue;
    const period = reason === "unacknowledged" ? services.sla.responseSeconds[priority] : services.sla.resolutionSeconds[priority];
    const steps = levels.map((level) => stepOf(level, reason, now, services));
    for (const step of steps) {
      await services.publishIncidentEscalation(
        incidentEscalated(
          {
            incident_id: incident.id,
            fingerprint: incident.fingerprint,
            alert: incident.alert,
            rca: incident.rca ?? null,
            reason,
            level: step.level,
            role: step.role,
            overdue_seconds: Math.max(0, ageSeconds - period),
          },
          { id: `incident-escalated:${incident.id}:L${step.level}`, at: now, correlationId: incident.correlationId },
        ),
      );
    }
    if (await services.incidents.escalate(incident.id, target, steps)) escalations += steps.length;
  }
  return escalations;
}

function stepOf(level: number, reason: EscalationStep["reason"], at: Date, services: ApproveServices): EscalationStep {
  return {
    level,
    role: ESCALATION_LADDER[level] ?? `L${level}`,
    reason,
    at: at.toISOString(),
    reached: approversAtStep(services.approvers, level).map((a) => a.id),
  };
}

async function resendStaleHandOffs(services: ApproveServices, now: Date): Promise<number> {
  const stale = await services.executions.staleRequested(new Date(now.getTime() - OUTBOX_GRACE_MS), SWEEP_LIMIT);
  for (const execution of stale) {
    // The dispatch reads the incident's correlation id itself; this one only labels the re-sent message.
    await services.publishExecute(handOffOf(execution.id, execution.approvalId, execution.incidentId, now, `incident:${execution.incidentId}`));
  }
  return stale.length;
}
