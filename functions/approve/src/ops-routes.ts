import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../shared/http/app.ts";
import { requireBearer } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { configOf, type Env } from "./env.ts";
import type { ApproveServices } from "./services.ts";

type ApproveEnv = AppEnv<Env> & { Variables: { services: ApproveServices } };

const Id = z.uuid();

function idParam(value: string, what: string): string {
  const id = Id.safeParse(value);
  if (!id.success) throw new AppError("invalid_request", `${what} id must be a UUID`, { fields: [{ field: "id", message: "must be a UUID" }] });
  return id.data;
}

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

/** Read-only ops API behind `Authorization: Bearer <OPS_TOKEN>`. */
export function mountOpsRoutes(app: Hono<ApproveEnv>): void {
  app.use(
    "/api/v1/*",
    requireBearer((c) => configOf(c.env as Env).OPS_TOKEN, "ops"),
  );

  app.get("/api/v1/incidents/:id", async (c) => {
    const id = idParam(c.req.param("id"), "incident");
    const services = c.get("services");
    const incident = await services.incidents.get(id);
    if (!incident) throw new AppError("not_found", `incident ${id} not found`);
    const [approval, counters] = await Promise.all([services.approvals.getByIncident(id), services.alertIndex.counters(id).catch(() => undefined)]);
    return c.json({
      id: incident.id,
      fingerprint: incident.fingerprint,
      status: incident.status,
      alert_type: incident.alert.alert_type,
      source: incident.alert.source,
      severity: incident.alert.severity,
      priority: incident.alert.priority,
      namespace: incident.alert.namespace ?? null,
      target_resource: incident.alert.target_resource ?? null,
      message: incident.alert.message,
      hit_count: counters?.hitCount ?? 1,
      first_seen: counters ? new Date(counters.firstSeen).toISOString() : iso(incident.openedAt),
      last_seen: counters ? new Date(counters.lastSeen).toISOString() : iso(incident.openedAt),
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
          at: a.at,
        })),
        duration_ms: incident.analysisDurationMs ?? null,
        pending_provider: incident.pending?.provider ?? null,
      },
      approval_id: approval?.id ?? null,
      approval_status: approval?.status ?? null,
    });
  });

  app.get("/api/v1/approvals/:id", async (c) => {
    const id = idParam(c.req.param("id"), "approval");
    const services = c.get("services");
    const approval = await services.approvals.get(id);
    if (!approval) throw new AppError("not_found", `approval ${id} not found`);
    const audit = await services.approvals.auditTrail(id);
    return c.json({
      id: approval.id,
      incident_id: approval.incidentId,
      status: approval.status,
      risk_level: approval.riskLevel,
      required_signatures: approval.requiredSignatures,
      auto_approved: approval.autoApproved,
      reasons: approval.reasons,
      action: approval.action,
      expires_at: iso(approval.expiresAt),
      created_at: iso(approval.createdAt),
      decided_at: iso(approval.decidedAt),
      signatures: approval.signatures.map((s) => ({ approver: s.approver, decision: s.decision, comment: s.comment ?? null, signed_at: iso(s.signedAt) })),
      audit: audit.map((entry) => ({ at: iso(entry.at), actor: entry.actor, action: entry.action, details: entry.details })),
    });
  });
}
