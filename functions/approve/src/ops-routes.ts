import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import * as z from "zod/v4";
import { Priority } from "../../../shared/contracts/alert.ts";
import { ApprovalStatus } from "../../../shared/contracts/approval.ts";
import { AckAnswer, ApprovalDetail, ApprovalPage, DeadLetterPage, IncidentDetail, IncidentPage } from "../../../shared/contracts/ops-api.ts";
import { requireBearer } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, jsonAnswer, jsonBody, type RouteConfig, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import type { IncidentRecord } from "../../../shared/ports/incident-store.ts";
import { acknowledgeIncident } from "./acknowledgements.ts";
import { configOf, type Env } from "./env.ts";
import { executionJson } from "./execution-routes.ts";
import type { ApproveEnv } from "./services.ts";

const Id = z.uuid();
/** Path ids are checked by the handler (`idParam`), so a bad one is named `id` in every answer, as it always was. */
const IncidentIdParam = z.object({ incidentId: z.string().describe("the incident's id (a UUID)") });
const ApprovalIdParam = z.object({ approvalId: z.string().describe("the approval's id (a UUID)") });

function idParam(value: string, what: string): string {
  const id = Id.safeParse(value);
  if (!id.success) throw new AppError("invalid_request", `${what} id must be a UUID`, { fields: [{ field: "id", message: "must be a UUID" }] });
  return id.data;
}

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

/** What identifies an incident in every ops answer, list item or full read. */
const incidentIdentity = (incident: IncidentRecord) => ({
  id: incident.id,
  fingerprint: incident.fingerprint,
  status: incident.status,
  alert_type: incident.alert.alert_type,
  source: incident.alert.source,
  severity: incident.alert.severity,
  priority: incident.alert.priority,
  namespace: incident.alert.namespace ?? null,
  target_resource: incident.alert.target_resource ?? null,
});

/** Strict: an unknown or misspelt parameter (`priorty=P0`) is a 400 naming it, not a silently unfiltered list. */
const ListQuery = z.strictObject({
  priority: Priority.optional(),
  since: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-22T00:00:00Z" }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("1–200 (default 50)"),
  cursor: z.string().max(200).optional().describe("next_cursor of the previous page"),
});

/** Keyset cursor: the (time, id) of the last row served, base64url-encoded. */
const encodeCursor = (at: Date, id: string) => btoa(`${at.toISOString()}|${id}`).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, id] = atob(cursor.replaceAll("-", "+").replaceAll("_", "/")).split("|");
    const date = new Date(at ?? "");
    if (Number.isNaN(date.getTime()) || !Id.safeParse(id).success) throw new Error("bad cursor");
    return { at: date, id: id! };
  } catch {
    throw new AppError("invalid_request", "cursor is not one this API issued", {
      fields: [{ field: "cursor", message: "must be a next_cursor from a previous page" }],
    });
  }
}

/** Paths under /api/v1 that authenticate otherwise (the executor signs its reports; Telegram echoes its webhook secret; Slack signs its requests). */
const SIGNED_PATHS = /^\/api\/v1\/(executions\/[^/]+\/result|telegram\/webhook|slack\/interactions)$/;

const AckBody = z.strictObject({
  by: z
    .string()
    .regex(/^[\w.@-]{1,64}$/, "must name who acknowledges (letters, digits, . _ @ -; at most 64)")
    .default("ops")
    .describe("who acknowledges (default ops)"),
});

const DeadLetterQuery = z.strictObject({
  queue: z
    .string()
    .regex(/^[\w .()-]{1,100}$/, "must be a queue name")
    .optional()
    .describe("filter by queue"),
  since: ListQuery.shape.since,
  limit: ListQuery.shape.limit,
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, "must be a next_cursor from a previous page")
    .optional(),
});

const opsRoute = <const M extends "get" | "post", const P extends string, const R extends Pick<RouteConfig, "request" | "responses">>(
  method: M,
  path: P,
  summary: string,
  parts: R,
) => describeRoute({ method, path, summary, tags: ["ops"], security: SECURITY.ops, ...parts });

const ROUTES = {
  incidents: opsRoute("get", "/api/v1/incidents", "List incidents, newest first", {
    request: { query: ListQuery.extend({ status: z.enum(["analyzing", "analyzed", "resolved"]).optional() }) },
    responses: { 200: jsonAnswer("a page", IncidentPage), ...refusals(400, 401) },
  }),
  deadLetters: opsRoute("get", "/api/v1/dead-letters", "Messages (or notification recipients) that could not be handled", {
    request: { query: DeadLetterQuery },
    responses: { 200: jsonAnswer("a page", DeadLetterPage), ...refusals(400, 401) },
  }),
  approvals: opsRoute("get", "/api/v1/approvals", "List approvals, newest first", {
    request: { query: ListQuery.extend({ status: ApprovalStatus.optional() }) },
    responses: { 200: jsonAnswer("a page", ApprovalPage), ...refusals(400, 401) },
  }),
  incident: opsRoute("get", "/api/v1/incidents/{incidentId}", "One incident with verdict, decision and counts", {
    request: { params: IncidentIdParam },
    responses: { 200: jsonAnswer("the incident (an id folded into another incident answers that one)", IncidentDetail), ...refusals(400, 401, 404) },
  }),
  ack: opsRoute("post", "/api/v1/incidents/{incidentId}/ack", "Acknowledge an incident (someone is on it): its escalation for want of a response stops", {
    request: { params: IncidentIdParam, body: jsonBody(AckBody) },
    responses: {
      200: jsonAnswer("acknowledged now (`acknowledged: true`), or the first acknowledgement again", AckAnswer),
      ...refusals(400, 401, 404, 409),
    },
  }),
  approval: opsRoute("get", "/api/v1/approvals/{approvalId}", "One approval with signatures, execution and audit trail", {
    request: { params: ApprovalIdParam },
    responses: { 200: jsonAnswer("the approval", ApprovalDetail), ...refusals(400, 401, 404) },
  }),
};

/** `Authorization: Bearer <OPS_TOKEN>` on everything under /api/v1 that is not signed otherwise. */
export function requireOpsToken(): MiddlewareHandler<ApproveEnv> {
  const requireOps = requireBearer((c) => configOf(c.env as Env).OPS_TOKEN, "ops");
  return async (c, next) => (SIGNED_PATHS.test(c.req.path) ? next() : requireOps(c, next));
}

/** The ops API: incidents, approvals, dead letters and acknowledgements. */
export const opsRoutes = () =>
  new OpenAPIHono<ApproveEnv>()
    .openapi(ROUTES.incidents, async (c) => {
      const query = c.req.valid("query");
      const services = c.get("services");
      const rows = await services.incidents.list({ ...query, since: query.since ? new Date(query.since) : undefined, after: decodeCursor(query.cursor) });
      const last = rows.length === query.limit ? rows.at(-1) : undefined;
      return c.json(
        {
          items: rows.map((incident) => ({
            ...incidentIdentity(incident),
            opened_at: iso(incident.openedAt),
            analyzed_at: iso(incident.analyzedAt),
            resolved_at: iso(incident.resolvedAt),
            risk_level: incident.rca?.risk_level ?? null,
            decision: incident.triage?.decision ?? null,
          })),
          next_cursor: last ? encodeCursor(last.openedAt, last.id) : null,
        },
        200,
      );
    })
    .openapi(ROUTES.deadLetters, async (c) => {
      const query = c.req.valid("query");
      const rows = await c.get("services").deadLetters.list({
        queue: query.queue,
        since: query.since ? new Date(query.since) : undefined,
        limit: query.limit,
        before: query.cursor,
      });
      return c.json(
        {
          items: rows.map((d) => ({
            id: d.id,
            queue: d.queue,
            message_id: d.messageId,
            reason: d.reason,
            attempts: d.attempts,
            body: d.body,
            received_at: d.receivedAt.toISOString(),
          })),
          next_cursor: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null,
        },
        200,
      );
    })
    .openapi(ROUTES.approvals, async (c) => {
      const query = c.req.valid("query");
      const services = c.get("services");
      const rows = await services.approvals.list({ ...query, since: query.since ? new Date(query.since) : undefined, after: decodeCursor(query.cursor) });
      const last = rows.length === query.limit ? rows.at(-1) : undefined;
      return c.json(
        {
          items: rows.map((approval) => ({
            id: approval.id,
            incident_id: approval.incidentId,
            status: approval.status,
            priority: approval.priority,
            risk_level: approval.riskLevel,
            required_signatures: approval.requiredSignatures,
            approvals: approval.signatures.filter((s) => s.decision === "approve").length,
            auto_approved: approval.autoApproved,
            operation: approval.action.operation,
            escalation_level: approval.escalationLevel,
            expires_at: iso(approval.expiresAt),
            created_at: iso(approval.createdAt),
            decided_at: iso(approval.decidedAt),
          })),
          next_cursor: last ? encodeCursor(last.createdAt, last.id) : null,
        },
        200,
      );
    })
    .openapi(ROUTES.incident, async (c) => {
      const id = idParam(c.req.valid("param").incidentId, "incident");
      const services = c.get("services");
      // An id analyze folded into an open incident of the same fingerprint answers that incident (its own id in `id`).
      const incident = await services.incidents.getOrAbsorber(id);
      if (!incident) throw new AppError("not_found", `incident ${id} not found`);
      const [approval, counters] = await Promise.all([
        services.approvals.getByIncident(incident.id),
        services.alertIndex.counters(incident.id).catch(() => undefined),
      ]);
      return c.json(
        {
          ...incidentIdentity(incident),
          // The ingest request's X-Request-Id: every message, log line and executor request about the incident carries it.
          correlation_id: incident.correlationId,
          message: incident.alert.message,
          // What ingest shortened so the alert fit one queue message, in the order it was cut (docs/ingest.md).
          trimmed: incident.alert.trimmed ?? [],
          hit_count: counters?.hitCount ?? 1,
          first_seen: new Date(counters?.firstSeen ?? incident.openedAt).toISOString(),
          last_seen: new Date(counters?.lastSeen ?? incident.openedAt).toISOString(),
          opened_at: iso(incident.openedAt),
          analyzed_at: iso(incident.analyzedAt),
          resolved_at: iso(incident.resolvedAt),
          rca: incident.rca ?? null,
          analysis: {
            providers_tried: incident.attempts.map((a) => ({
              provider: a.provider,
              outcome: a.outcome,
              reason: a.reason ?? null,
              duration_ms: a.duration_ms ?? null,
              input_tokens: a.input_tokens ?? null,
              output_tokens: a.output_tokens ?? null,
              at: a.at,
            })),
            duration_ms: incident.analysisDurationMs ?? null,
            pending_provider: incident.pending?.provider ?? null,
            cluster_context: incident.clusterContext ?? null,
          },
          triage: incident.triage ?? null,
          ticket: incident.ticket ?? null,
          approval_id: approval?.id ?? null,
          approval_status: approval?.status ?? null,
          acknowledged_at: iso(incident.acknowledged?.at),
          acknowledged_by: incident.acknowledged?.by ?? null,
          escalation: { level: incident.escalationLevel, steps: incident.escalations.map((step) => ({ ...step, reached: [...step.reached] })) },
        },
        200,
      );
    })

    /**
     * `POST /api/v1/incidents/:id/ack` `{ "by": "alice" }`: someone is on it —
     * the incident stops escalating for want of a response. 409 once resolved;
     * a repeat answers 200 with `acknowledged: false` and the first acknowledgement.
     */
    .openapi(ROUTES.ack, async (c) => {
      const id = idParam(c.req.valid("param").incidentId, "incident");
      const services = c.get("services");
      const answer = await acknowledgeIncident(services, id, c.req.valid("json").by);
      if (!answer.incident) throw new AppError("not_found", `incident ${id} not found`);
      if (answer.outcome === "closed") throw new AppError("conflict", answer.text);
      return c.json(
        {
          incident_id: id,
          acknowledged: answer.outcome === "acknowledged",
          acknowledged_at: iso(answer.incident.acknowledged?.at),
          acknowledged_by: answer.incident.acknowledged?.by ?? null,
        },
        200,
      );
    })
    .openapi(ROUTES.approval, async (c) => {
      const id = idParam(c.req.valid("param").approvalId, "approval");
      const services = c.get("services");
      const approval = await services.approvals.get(id);
      if (!approval) throw new AppError("not_found", `approval ${id} not found`);
      const [audit, execution] = await Promise.all([
        services.approvals.auditTrail(id),
        approval.executionId ? services.executions.get(approval.executionId) : undefined,
      ]);
      return c.json(
        {
          id: approval.id,
          incident_id: approval.incidentId,
          status: approval.status,
          risk_level: approval.riskLevel,
          required_signatures: approval.requiredSignatures,
          auto_approved: approval.autoApproved,
          reasons: [...approval.reasons],
          action: approval.action,
          alternative: approval.alternative ?? null,
          expires_at: iso(approval.expiresAt),
          created_at: iso(approval.createdAt),
          decided_at: iso(approval.decidedAt),
          escalation_level: approval.escalationLevel,
          execution: execution ? executionJson(execution) : null,
          signatures: approval.signatures.map((s) => ({ approver: s.approver, decision: s.decision, comment: s.comment ?? null, signed_at: iso(s.signedAt) })),
          audit: audit.map((entry) => ({ at: iso(entry.at), actor: entry.actor, action: entry.action, details: entry.details })),
        },
        200,
      );
    });
