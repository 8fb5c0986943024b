import type { Kysely, Selectable, Transaction } from "kysely";
import { tallySignatures } from "../domain/approval-policy.ts";
import type { ApprovalRecord, ApprovalStore, SignatureRecord } from "../ports/approval-store.ts";
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
            expires_at: input.expiresAt,
            decided_at: input.initialStatus === "PENDING" ? null : input.createdAt,
            created_at: input.createdAt,
            updated_at: input.createdAt,
          })
          .onConflict((oc) => oc.column("incident_id").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (inserted) {
          await tx
            .insertInto("audit_log")
            .values({
              at: input.createdAt,
              actor: "classify",
              action: input.initialStatus === "OBSOLETE" ? "approval.obsolete" : input.autoApproved ? "approval.auto_approved" : "approval.requested",
              subject_type: "approval",
              subject_id: input.id,
              details: json({
                incident_id: input.incidentId,
                risk_level: input.riskLevel,
                required_signatures: input.requiredSignatures,
                reasons: input.reasons,
                correlation_id: input.correlationId,
              }),
            })
            .execute();
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
        await tx
          .insertInto("audit_log")
          .values({
            at,
            actor: "analyze",
            action: "approval.obsolete",
            subject_type: "approval",
            subject_id: changed.id,
            details: json({ from: "PENDING", to: "OBSOLETE", reason }),
          })
          .execute();
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

    async recordDecision({ approvalId, approver, decision, comment, at }) {
      return db.transaction().execute(async (tx) => {
        // The row lock serialises signers of one approval: each sees the others' signatures.
        const locked = await tx
          .selectFrom("approvals")
          .select(["id", "status", "required_signatures"])
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

        await tx
          .insertInto("approval_signatures")
          .values({ approval_id: approvalId, approver, decision, comment: comment ?? null, signed_at: at })
          .execute();
        await tx
          .insertInto("audit_log")
          .values({
            at,
            actor: approver,
            action: decision === "approve" ? "approval.signed" : "approval.vetoed",
            subject_type: "approval",
            subject_id: approvalId,
            details: json({ decision, comment: comment ?? null }),
          })
          .execute();

        const signatures = await tx.selectFrom("approval_signatures").select("decision").where("approval_id", "=", approvalId).execute();
        const status = tallySignatures(signatures, locked.required_signatures);
        const statusChanged = status !== "PENDING";
        if (statusChanged) {
          await tx.updateTable("approvals").set({ status, decided_at: at, updated_at: at }).where("id", "=", approvalId).execute();
          await tx
            .insertInto("audit_log")
            .values({
              at,
              actor: "approve",
              action: `approval.${status.toLowerCase()}`,
              subject_type: "approval",
              subject_id: approvalId,
              details: json({ from: "PENDING", to: status, decided_by: approver, signatures: signatures.length }),
            })
            .execute();
        }
        return { kind: "recorded", approval: await mustLoad(tx, approvalId), statusChanged } as const;
      });
    },
  };
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
  const signatures = await db
    .selectFrom("approval_signatures")
    .selectAll()
    .where("approval_id", "=", row.id)
    .orderBy("signed_at")
    .orderBy("approver")
    .execute();
  return {
    id: row.id,
    incidentId: row.incident_id,
    status: row.status,
    riskLevel: row.risk_level,
    requiredSignatures: row.required_signatures,
    autoApproved: row.auto_approved,
    reasons: row.reasons,
    action: row.action,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    decidedAt: row.decided_at ?? undefined,
    signatures: signatures.map(toSignature),
  };
}

function toSignature(row: Selectable<ApprovalSignaturesTable>): SignatureRecord {
  return { approver: row.approver, decision: row.decision, comment: row.comment ?? undefined, signedAt: row.signed_at };
}
