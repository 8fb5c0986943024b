import type { Kysely, Transaction } from "kysely";
import { type Database, json } from "./neon-kysely-db.ts";

/** One row of the audit log: who did what to which approval or incident, and the facts of it. */
export interface AuditEntry {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: { readonly type: "approval" | "incident"; readonly id: string };
  readonly details: unknown;
}

/** The one way the audit log is written, usually inside the transaction that made the change. */
export async function appendAudit(db: Kysely<Database> | Transaction<Database>, ...entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto("audit_log")
    .values(
      entries.map((e) => ({ at: e.at, actor: e.actor, action: e.action, subject_type: e.subject.type, subject_id: e.subject.id, details: json(e.details) })),
    )
    .execute();
}
