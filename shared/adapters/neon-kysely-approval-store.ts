import type { Kysely } from "kysely";
import type { Priority } from "../contracts/alert.ts";
import type { ApprovalStore } from "../ports/approval-store.ts";
import { approvalDecisions } from "./neon-kysely-approval-decisions.ts";
import { load, loadByIncident, mustLoad, withSignaturesAll } from "./neon-kysely-approval-rows.ts";
import { approvalSweeps } from "./neon-kysely-approval-sweeps.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import { type Database, json } from "./neon-kysely-db.ts";
import { insertExecution } from "./neon-kysely-execution-outbox.ts";
import { olderThan } from "./neon-kysely-keyset.ts";

/** Approvals in Postgres: the rows and their reads here; signatures, sweeps and the outbox each in their own module. */
export function createApprovalStore(db: Kysely<Database>): ApprovalStore {
  return {
    async createForIncident(input) {
      return db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto("approvals")
          .values({
            id: input.id,
            incident_id: input.incidentId,
            status: input.initialStatus,
            risk_level: input.riskLevel,
            required_signatures: input.requiredSignatures,
            auto_approved: input.autoApproved,
            reasons: json(input.reasons),
            action: json(input.action),
            action_digest: input.action.digest,
            alternative: input.alternative ? json(input.alternative) : null,
            expires_at: input.expiresAt,
            decided_at: input.initialStatus === "PENDING" ? null : input.createdAt,
            created_at: input.createdAt,
            updated_at: input.createdAt,
          })
          .onConflict((oc) => oc.column("incident_id").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (inserted && input.initialStatus === "APPROVED") {
          await insertExecution(tx, {
            approvalId: input.id,
            incidentId: input.incidentId,
            action: input.action,
            automatic: input.autoApproved,
            dryRun: input.dryRun,
            at: input.createdAt,
          });
        }
        if (inserted) {
          await appendAudit(tx, {
            at: input.createdAt,
            actor: "classify",
            action: input.initialStatus === "OBSOLETE" ? "approval.obsolete" : input.autoApproved ? "approval.auto_approved" : "approval.requested",
            subject: { type: "approval", id: input.id },
            details: {
              incident_id: input.incidentId,
              risk_level: input.riskLevel,
              required_signatures: input.requiredSignatures,
              reasons: input.reasons,
              correlation_id: input.correlationId,
            },
          });
        }
        const approval = await loadByIncident(tx, input.incidentId);
        if (!approval) throw new Error(`approval for incident ${input.incidentId} vanished right after insert`);
        return { approval, created: inserted !== undefined };
      });
    },

    get: (id) => load(db, id),
    getByIncident: (incidentId) => loadByIncident(db, incidentId),

    async markObsolete(incidentId, at, reason) {
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("approvals")
          .set({ status: "OBSOLETE", decided_at: at, updated_at: at })
          .where("incident_id", "=", incidentId)
          .where("status", "=", "PENDING")
          .returning("id")
          .executeTakeFirst();
        if (!changed) return undefined;
        await appendAudit(tx, {
          at,
          actor: "analyze",
          action: "approval.obsolete",
          subject: { type: "approval", id: changed.id },
          details: { from: "PENDING", to: "OBSOLETE", reason },
        });
        return mustLoad(tx, changed.id);
      });
    },

    async auditTrail(approvalId) {
      const rows = await db
        .selectFrom("audit_log")
        .select(["at", "actor", "action", "details"])
        .where("subject_type", "=", "approval")
        .where("subject_id", "=", approvalId)
        .orderBy("id")
        .execute();
      return rows.map((row) => ({ at: row.at, actor: row.actor, action: row.action, details: row.details }));
    },

    async list(filter) {
      let query = db
        .selectFrom("approvals")
        .innerJoin("incidents", "incidents.id", "approvals.incident_id")
        .selectAll("approvals")
        .select("incidents.priority")
        .orderBy("approvals.created_at", "desc")
        .orderBy("approvals.id", "desc")
        .limit(filter.limit);
      if (filter.status) query = query.where("approvals.status", "=", filter.status);
      if (filter.priority) query = query.where("incidents.priority", "=", filter.priority);
      if (filter.since) query = query.where("approvals.created_at", ">=", filter.since);
      if (filter.after) query = query.where(olderThan("approvals.created_at", "approvals.id", filter.after));
      const rows = await query.execute();
      const records = await withSignaturesAll(db, rows);
      return records.map((record, i) => ({ ...record, priority: rows[i]!.priority as Priority }));
    },
    ...approvalDecisions(db),
    ...approvalSweeps(db),
  };
}
