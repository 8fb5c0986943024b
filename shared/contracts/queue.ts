import * as z from "zod/v4";
import { ApprovalAction } from "./action.ts";
import { Fingerprint, IncidentId, NormalizedAlert } from "./alert.ts";
import { ApprovalStatus } from "./approval.ts";
import { Digest } from "./digest.ts";
import { Rca } from "./rca.ts";
import { TicketRef } from "./ticket.ts";

/**
 * Every queue message is an envelope. `id` is the idempotency key (stable for the
 * same logical message, so a re-send of it is recognisable), `correlationId`
 * traces one alert through all stages. A published version is never edited: a
 * change adds the next version, and consumers dead-letter versions they do not know.
 */
function envelope<const T extends string, const V extends number, P extends z.ZodType>(type: T, version: V, payload: P) {
  return z.object({
    type: z.literal(type),
    version: z.literal(version),
    id: z.string().min(1).max(200),
    occurredAt: z.iso.datetime({ offset: true }),
    correlationId: z.string().min(1).max(200),
    payload,
  });
}

/** webhook-receive → analyze: a new incident to explain. */
export const AnalyzeRequestedV1 = envelope(
  "analyze.requested",
  1,
  z.object({
    incident_id: IncidentId,
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
    /** Set when ingest could not reach Redis: analyze must dedupe by fingerprint itself. */
    degraded: z.boolean(),
  }),
);
export type AnalyzeRequestedV1 = z.infer<typeof AnalyzeRequestedV1>;

/**
 * webhook-receive → analyze: the source reported the alert resolved. Closes the
 * incident (resolution time for MTTR) and makes a pending approval obsolete.
 * `incident_id` is null when ingest ran without Redis: analyze then resolves the
 * open incident of that fingerprint.
 */
export const IncidentResolvedV1 = envelope(
  "incident.resolved",
  1,
  z.object({
    incident_id: IncidentId.nullable(),
    fingerprint: Fingerprint,
    resolved_at: z.iso.datetime({ offset: true }),
    source: z.string().min(1).max(64),
  }),
);
export type IncidentResolvedV1 = z.infer<typeof IncidentResolvedV1>;

/** analyze → classify: an incident with its verdict. */
export const ClassifyRequestedV1 = envelope(
  "classify.requested",
  1,
  z.object({
    incident_id: IncidentId,
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
    rca: Rca,
  }),
);
export type ClassifyRequestedV1 = z.infer<typeof ClassifyRequestedV1>;

export const NotificationKind = z.enum(["approval_requested", "auto_approved"]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** classify → notify: something a human should see. */
export const NotifyRequestedV1 = envelope(
  "notify.requested",
  1,
  z.object({
    kind: NotificationKind,
    incident_id: IncidentId,
    approval_id: z.uuid(),
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
    rca: Rca,
    required_signatures: z.number().int().min(0).max(10),
    /** Unix seconds after which the approval links stop working. */
    expires_at: z.number().int().positive(),
  }),
);
export type NotifyRequestedV1 = z.infer<typeof NotifyRequestedV1>;

export const NotificationKindV2 = z.enum(["approval_requested", "auto_approved", "notify_only", "escalated", "expired", "execution_result", "resolved"]);
export type NotificationKindV2 = z.infer<typeof NotificationKindV2>;

/**
 * Anything a human should see: v2 adds link-less notices (no approval exists
 * for `notify_only`), SLA escalations, expiries and execution results.
 */
const NotificationPayloadV2 = z.object({
  kind: NotificationKindV2,
  incident_id: IncidentId,
  /** Absent for `notify_only` (nothing waits for a decision) and for the resolution of such an incident. */
  approval_id: z.uuid().optional(),
  fingerprint: Fingerprint,
  alert: NormalizedAlert,
  rca: Rca,
  /**
   * The approved (or proposed) action as the approval stores it: channels
   * show its rendered command, plan and guardrails, never the model's text
   * as something to run. Optional and additive: older messages lack it.
   */
  action: ApprovalAction.optional(),
  required_signatures: z.number().int().min(0).max(10),
  /** Unix seconds after which the approval links stop working. */
  expires_at: z.number().int().positive().optional(),
  /** Why the trust engine decided as it did. */
  reasons: z.array(z.string().max(500)).max(30).default([]),
  /** The approval's state and who signed so far, when the sender knows it. */
  approval_status: ApprovalStatus.optional(),
  signatures: z
    .array(z.object({ approver: z.string().max(64), decision: z.enum(["approve", "reject"]) }))
    .max(20)
    .default([]),
  escalation: z
    .object({
      level: z.number().int().min(1).max(4),
      role: z.string().max(100),
      overdue_seconds: z.number().int().min(0),
    })
    .optional(),
  execution: z
    .object({
      execution_id: z.uuid(),
      status: z.enum(["succeeded", "failed"]),
      dry_run: z.boolean(),
      automatic: z.boolean(),
      duration_ms: z.number().int().min(0).nullable(),
      output_excerpt: z.string().max(4_000).nullable(),
    })
    .optional(),
});

export const NotifyRequestedV2 = envelope(
  "notify.requested",
  2,
  NotificationPayloadV2.superRefine((n, ctx) => {
    if (n.kind !== "notify_only" && n.kind !== "resolved" && !n.approval_id) {
      ctx.addIssue({ code: "custom", path: ["approval_id"], message: `is required for ${n.kind}` });
    }
    if ((n.kind === "approval_requested" || n.kind === "escalated") && !n.expires_at) {
      ctx.addIssue({ code: "custom", path: ["expires_at"], message: `is required for ${n.kind}` });
    }
    if (n.kind === "escalated" && !n.escalation) ctx.addIssue({ code: "custom", path: ["escalation"], message: "is required for escalated" });
    if (n.kind === "execution_result" && !n.execution) ctx.addIssue({ code: "custom", path: ["execution"], message: "is required for execution_result" });
  }),
);
export type NotifyRequestedV2 = z.infer<typeof NotifyRequestedV2>;

/** What notify consumes: v1 messages still in flight are read as v2. */
export const NotifyRequestedQueueMessage = z
  .union([NotifyRequestedV2, NotifyRequestedV1])
  .transform(
    (message): NotifyRequestedV2 =>
      message.version === 2 ? message : { ...message, version: 2, payload: { ...message.payload, reasons: [], signatures: [] } },
  );

/** classify/approve → approve: hand an approved action to the executor (the executions row is the outbox). */
export const ExecuteRequestedV1 = envelope(
  "execute.requested",
  1,
  z.object({
    execution_id: z.uuid(),
    approval_id: z.uuid(),
    incident_id: IncidentId,
  }),
);
export type ExecuteRequestedV1 = z.infer<typeof ExecuteRequestedV1>;

/**
 * What a consumer parks in the dead-letter queue when a message cannot be
 * handled (unknown version, invalid body, permanent failure). The original body
 * is kept verbatim for ops.
 */
export const DeadLetterV1 = envelope(
  "dead_letter",
  1,
  z.object({
    queue: z.string().min(1).max(100),
    message_id: z.string().min(1).max(200),
    reason: z.string().min(1).max(2_000),
    attempts: z.number().int().min(0),
    body: z.unknown(),
  }),
);
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;

/**
 * analyze → analyze: carry on with the next provider, because a slow
 * provider's job timed out (sent delayed when the job is submitted) or its
 * answer was unusable. Ignored when the job is no longer pending.
 */
export const AnalyzeContinueV1 = envelope(
  "analyze.continue",
  1,
  z.object({
    incident_id: IncidentId,
    job_id: z.uuid(),
    reason: z.string().min(1).max(500),
    /** Set when the job was already settled (an unusable answer): resume after this chain position. */
    resume_after: z.number().int().min(0).max(10).optional(),
  }),
);
export type AnalyzeContinueV1 = z.infer<typeof AnalyzeContinueV1>;

/**
 * analyze → analyze, v2: why the analysis carries on is a named `cause` — the
 * job's deadline passed (`timeout`: the job must still be claimed), or its
 * answer was unusable (`unusable_answer`: already settled, resume after
 * `position`) — instead of v1's optional `resume_after` silently switching
 * the meaning (docs/analyze.md "States").
 */
export const AnalyzeContinueV2 = envelope(
  "analyze.continue",
  2,
  z.object({
    incident_id: IncidentId,
    job_id: z.uuid(),
    reason: z.string().min(1).max(500),
    cause: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("timeout") }),
      z.object({ kind: z.literal("unusable_answer"), position: z.number().int().min(0).max(10) }),
    ]),
  }),
);
export type AnalyzeContinueV2 = z.infer<typeof AnalyzeContinueV2>;

/** What analyze reads as a continue message: v1 messages still in flight are read as v2. */
export const AnalyzeContinueQueueMessage = z.union([AnalyzeContinueV2, AnalyzeContinueV1]).transform((message): AnalyzeContinueV2 => {
  if (message.version === 2) return message;
  const { resume_after: resumeAfter, ...rest } = message.payload;
  return {
    ...message,
    version: 2,
    payload: { ...rest, cause: resumeAfter === undefined ? { kind: "timeout" } : { kind: "unusable_answer", position: resumeAfter } },
  };
});

/**
 * analyze → notify: a new P0/P1 incident, announced at admission, before its
 * analysis (seed 001 §6: people must hear of a P0 at once, whatever the model does).
 */
export const IncidentAdmittedV1 = envelope(
  "incident.admitted",
  1,
  z.object({
    incident_id: IncidentId,
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
  }),
);
export type IncidentAdmittedV1 = z.infer<typeof IncidentAdmittedV1>;

/**
 * approve → notify: a signature was recorded on an approval (and, when it
 * decided it, the approval's new state). Notify edits every message already
 * sent about the incident in place, and announces a decision to the team.
 * `notification` is the approval as an `approval_requested` notice, now.
 */
export const ApprovalChangedV1 = envelope(
  "approval.changed",
  1,
  z.object({
    change: z.enum(["signed", "approved", "rejected"]),
    approver: z.string().min(1).max(64),
    notification: NotificationPayloadV2.refine((n) => n.kind === "approval_requested" && n.approval_id !== undefined, {
      path: ["kind"],
      message: "must be approval_requested, with its approval_id",
    }),
  }),
);
export type ApprovalChangedV1 = z.infer<typeof ApprovalChangedV1>;

/**
 * approve → notify: an incident moves up the escalation ladder without an
 * approval to carry it — a notice nobody acknowledged within the response SLA,
 * or an incident still open past its resolution SLA (seed 001 §6.1–6.3).
 */
export const IncidentEscalatedV1 = envelope(
  "incident.escalated",
  1,
  z.object({
    incident_id: IncidentId,
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
    rca: Rca.nullable(),
    reason: z.enum(["unacknowledged", "unresolved"]),
    level: z.number().int().min(1).max(4),
    role: z.string().min(1).max(100),
    overdue_seconds: z.number().int().min(0),
  }),
);
export type IncidentEscalatedV1 = z.infer<typeof IncidentEscalatedV1>;

/**
 * approve → notify: somebody acknowledged an incident with nothing to sign
 * ("I am on it"): notify edits its live messages to say who, without the
 * Acknowledge button.
 */
export const IncidentAcknowledgedV1 = envelope(
  "incident.acknowledged",
  1,
  z.object({
    incident_id: IncidentId,
    fingerprint: Fingerprint,
    alert: NormalizedAlert,
    rca: Rca.nullable(),
    by: z.string().min(1).max(64),
    at: z.iso.datetime({ offset: true }),
  }),
);
export type IncidentAcknowledgedV1 = z.infer<typeof IncidentAcknowledgedV1>;

/** approve → notify: the daily digest (cron at DIGEST_AT, or POST /api/v1/digest/run), for the team places. */
export const DigestReadyV1 = envelope("digest.ready", 1, Digest);
export type DigestReadyV1 = z.infer<typeof DigestReadyV1>;

/**
 * approve → notify: an open incident's alert kept firing since its ticket
 * last heard (at most hourly): the ticket gets one comment with the new count.
 */
export const TicketRepeatedV1 = envelope(
  "ticket.repeated",
  1,
  z.object({
    incident_id: IncidentId,
    ticket: TicketRef,
    hit_count: z.number().int().min(1),
    reported_hits: z.number().int().min(0),
    last_seen: z.iso.datetime({ offset: true }).optional(),
  }),
);
export type TicketRepeatedV1 = z.infer<typeof TicketRepeatedV1>;

/** Everything the notify queue carries. */
export const NotifyQueueMessage = z.union([
  NotifyRequestedQueueMessage,
  IncidentAdmittedV1,
  ApprovalChangedV1,
  IncidentEscalatedV1,
  IncidentAcknowledgedV1,
  DigestReadyV1,
  TicketRepeatedV1,
]);
export type NotifyQueueMessage = z.infer<typeof NotifyQueueMessage>;

/** Everything the analyze queue carries. */
export const AnalyzeQueueMessage = z.union([AnalyzeRequestedV1, IncidentResolvedV1, AnalyzeContinueQueueMessage]);
export type AnalyzeQueueMessage = z.infer<typeof AnalyzeQueueMessage>;
