import type { Kysely, Selectable, Transaction } from "kysely";
import { ApprovalAction as ApprovalActionSchema, ApprovalAlternative } from "../contracts/action.ts";
import type { ApprovalRecord, SignatureRecord } from "../ports/approval-store.ts";
import type { ApprovalSignaturesTable, ApprovalsTable, Database } from "./neon-kysely-db.ts";

/** A handle or the transaction a read belongs to. */
export type Reader = Kysely<Database> | Transaction<Database>;

export async function load(db: Reader, id: string): Promise<ApprovalRecord | undefined> {
  const row = await db.selectFrom("approvals").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? withSignatures(db, row) : undefined;
}

export async function loadByIncident(db: Reader, incidentId: string): Promise<ApprovalRecord | undefined> {
  const row = await db.selectFrom("approvals").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
  return row ? withSignatures(db, row) : undefined;
}

export async function mustLoad(db: Reader, id: string): Promise<ApprovalRecord> {
  const approval = await load(db, id);
  if (!approval) throw new Error(`approval ${id} not found`);
  return approval;
}

export async function withSignatures(db: Reader, row: Selectable<ApprovalsTable>): Promise<ApprovalRecord> {
  const [record] = await withSignaturesAll(db, [row]);
  return record!;
}

/** Signatures and execution ids for a page of approvals in two queries, not two per row. */
export async function withSignaturesAll(db: Reader, rows: readonly Selectable<ApprovalsTable>[]): Promise<ApprovalRecord[]> {
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
    alternative: row.alternative ? ApprovalAlternative.parse(row.alternative) : undefined,
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
