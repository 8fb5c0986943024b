import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { type ApprovalAction, ApprovalAction as ApprovalActionSchema } from "../contracts/action.ts";
import type { Priority } from "../contracts/alert.ts";
import { tallySignatures } from "../domain/approval-policy.ts";
import type { ApprovalRecord, ApprovalStore, SignatureRecord } from "../ports/approval-store.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import { type ApprovalSignaturesTable, type ApprovalsTable, type Database, json } from "./neon-kysely-db.ts";

type Reader = Kysely<Database> | Transaction<Database>;

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

    async recordDecision({ approvalId, approver, decision, comment, actionDigest, dryRun, at }) {
      return db.transaction().execute(async (tx) => {
        // The row lock serialises signers of one approval: each sees the others' signatures.
        const locked = await tx
          .selectFrom("approvals")
          .select(["id", "status", "required_signatures", "action_digest"])
          .where("id", "=", approvalId)
          .forUpdate()
          .executeTakeFirst();
        if (!locked) return { kind: "not_found" } as const;

        const existing = await tx
          .selectFrom("approval_signatures")
          .select("approver")
          .where("approval_id", "=", approvalId)
          .where("approver", "=", approver)
          .executeTakeFirst();
        if (existing) return { kind: "repeat", approval: await mustLoad(tx, approvalId) } as const;
        if (locked.status !== "PENDING") return { kind: "closed", approval: await mustLoad(tx, approvalId) } as const;
        // A signature is for exactly the action the signer saw.
        if (locked.action_digest !== null && locked.action_digest !== actionDigest) {
          return { kind: "digest_mismatch", approval: await mustLoad(tx, approvalId) } as const;
        }

        await tx
          .insertInto("approval_signatures")
          .values({ approval_id: approvalId, approver, decision, comment: comment ?? null, signed_at: at, action_digest: locked.action_digest })
          .execute();
        await appendAudit(tx, {
          at,
          actor: approver,
          action: decision === "approve" ? "approval.signed" : "approval.vetoed",
          subject: { type: "approval", id: approvalId },
          details: { decision, comment: comment ?? null, action_digest: locked.action_digest },
        });

        const signatures = await tx.selectFrom("approval_signatures").select("decision").where("approval_id", "=", approvalId).execute();
        const status = tallySignatures(signatures, locked.required_signatures);
        const statusChanged = status !== "PENDING";
        if (statusChanged) {
          await tx.updateTable("approvals").set({ status, decided_at: at, updated_at: at }).where("id", "=", approvalId).execute();
          if (status === "APPROVED") {
            const approval = await tx.selectFrom("approvals").select(["incident_id", "action"]).where("id", "=", approvalId).executeTakeFirstOrThrow();
            await insertExecution(tx, {
              approvalId,
              incidentId: approval.incident_id,
              action: ApprovalActionSchema.parse(approval.action),
              automatic: false,
              dryRun,
              at,
            });
          }
          await appendAudit(tx, {
            at,
            actor: "approve",
            action: `approval.${status.toLowerCase()}`,
            subject: { type: "approval", id: approvalId },
            details: { from: "PENDING", to: status, decided_by: approver, signatures: signatures.length },
          });
        }
        return { kind: "recorded", approval: await mustLoad(tx, approvalId), statusChanged } as const;
      });
    },

    async expireDue(now, limit) {
      return db.transaction().execute(async (tx) => {
        const expired = await tx
          .updateTable("approvals")
          .set({ status: "EXPIRED", decided_at: now, updated_at: now })
          .where(
            "id",
            "in",
            tx.selectFrom("approvals").select("id").where("status", "=", "PENDING").where("expires_at", "<=", now).orderBy("expires_at").limit(limit),
          )
          .where("status", "=", "PENDING")
          .returning(["id", "expires_at"])
          .execute();
        for (const row of expired) {
          await appendAudit(tx, {
            at: now,
            actor: "sweep",
            action: "approval.expired",
            subject: { type: "approval", id: row.id },
            details: { from: "PENDING", to: "EXPIRED", expires_at: row.expires_at.toISOString() },
          });
        }
        return Promise.all(expired.map((row) => mustLoad(tx, row.id)));
      });
    },

    async dueForEscalation(now, responseSeconds, ceiling, limit) {
      const top = sql<number>`case incidents.priority when 'P0' then ${ceiling.P0}::int when 'P1' then ${ceiling.P1}::int when 'P2' then ${ceiling.P2}::int else ${ceiling.P3}::int end`;
      const sla = sql<number>`case incidents.priority when 'P0' then ${responseSeconds.P0}::int when 'P1' then ${responseSeconds.P1}::int when 'P2' then ${responseSeconds.P2}::int else ${responseSeconds.P3}::int end`;
      const rows = await db
        .selectFrom("approvals")
        .innerJoin("incidents", "incidents.id", "approvals.incident_id")
        .selectAll("approvals")
        .select("incidents.priority")
        .where("approvals.status", "=", "PENDING")
        .where("approvals.expires_at", ">", now)
        .where(sql<boolean>`approvals.escalation_level < ${top}`)
        .where(sql<boolean>`approvals.created_at + (approvals.escalation_level + 1) * ${sla} * interval '1 second' <= ${now}`)
        .orderBy("approvals.created_at")
        .limit(limit)
        .execute();
      const records = await withSignaturesAll(db, rows);
      return records.map((approval, i) => ({ approval, priority: rows[i]!.priority as Priority }));
    },

    async escalate(approvalId, level, at, details) {
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("approvals")
          .set({ escalation_level: level, escalated_at: at, updated_at: at })
          .where("id", "=", approvalId)
          .where("status", "=", "PENDING")
          .where("escalation_level", "<", level)
          .returning("id")
          .executeTakeFirst();
        if (!changed) return false;
        await appendAudit(tx, {
          at,
          actor: "sweep",
          action: "approval.escalated",
          subject: { type: "approval", id: approvalId },
          details: { level, ...details },
        });
        return true;
      });
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
      if (filter.after) {
        const { at, id } = filter.after;
        query = query.where((eb) => eb.or([eb("approvals.created_at", "<", at), eb.and([eb("approvals.created_at", "=", at), eb("approvals.id", "<", id)])]));
      }
      const rows = await query.execute();
      const records = await withSignaturesAll(db, rows);
      return records.map((record, i) => ({ ...record, priority: rows[i]!.priority as Priority }));
    },
  };
}

/** The hand-off outbox row, written in the transaction that approves the action. */
async function insertExecution(
  tx: Transaction<Database>,
  input: { approvalId: string; incidentId: string; action: ApprovalAction; automatic: boolean; dryRun: boolean; at: Date },
): Promise<void> {
  await tx
    .insertInto("executions")
    .values({
      id: crypto.randomUUID(),
      approval_id: input.approvalId,
      incident_id: input.incidentId,
      status: "requested",
      automatic: input.automatic,
      operation: input.action.operation,
      command: input.action.command,
      action: input.action.typed ? json(input.action.typed) : null,
      argv: input.action.argv ? json(input.action.argv) : null,
      action_digest: input.action.digest,
      // A person runs an untyped action for real: only typed actions can be dry runs.
      dry_run: input.action.typed ? input.dryRun : false,
      requested_at: input.at,
    })
    .onConflict((oc) => oc.column("approval_id").doNothing())
    .execute();
}

async function load(db: Reader, id: string): Promise<ApprovalRecord | undefined> {
  const row = await db.selectFrom("approvals").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? withSignatures(db, row) : undefined;
}

async function loadByIncident(db: Reader, incidentId: string): Promise<ApprovalRecord | undefined> {
  const row = await db.selectFrom("approvals").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
  return row ? withSignatures(db, row) : undefined;
}

async function mustLoad(db: Reader, id: string): Promise<ApprovalRecord> {
  const approval = await load(db, id);
  if (!approval) throw new Error(`approval ${id} not found`);
  return approval;
}

async function withSignatures(db: Reader, row: Selectable<ApprovalsTable>): Promise<ApprovalRecord> {
  const [record] = await withSignaturesAll(db, [row]);
  return record!;
}

/** Signatures and execution ids for a page of approvals in two queries, not two per row. */
async function withSignaturesAll(db: Reader, rows: readonly Selectable<ApprovalsTable>[]): Promise<ApprovalRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [signatures, executions] = await Promise.all([
    db.selectFrom("approval_signatures").selectAll().where("approval_id", "in", ids).orderBy("signed_at").orderBy("approver").execute(),
    db.selectFrom("executions").select(["id", "approval_id"]).where("approval_id", "in", ids).execute(),
  ]);
  return rows.map((row) => ({
    id: row.id,
    incidentId: row.incident_id,
    status: row.status,
    riskLevel: row.risk_level,
    requiredSignatures: row.required_signatures,
    autoApproved: row.auto_approved,
    reasons: row.reasons,
    action: ApprovalActionSchema.parse(row.action),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    decidedAt: row.decided_at ?? undefined,
    escalationLevel: row.escalation_level,
    signatures: signatures.filter((s) => s.approval_id === row.id).map(toSignature),
    executionId: executions.find((e) => e.approval_id === row.id)?.id,
  }));
}

function toSignature(row: Selectable<ApprovalSignaturesTable>): SignatureRecord {
  return {
    approver: row.approver,
    decision: row.decision,
    comment: row.comment ?? undefined,
    signedAt: row.signed_at,
    actionDigest: row.action_digest ?? undefined,
  };
}
