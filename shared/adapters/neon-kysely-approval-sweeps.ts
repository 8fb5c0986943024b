import { type Kysely, sql } from "kysely";
import type { Priority } from "../contracts/alert.ts";
import type { ApprovalStore } from "../ports/approval-store.ts";
import { mustLoad, withSignaturesAll } from "./neon-kysely-approval-rows.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import type { Database } from "./neon-kysely-db.ts";

/** The approve cron's SQL: expiry and SLA escalation, each a conditional update with its audit row. */
export function approvalSweeps(db: Kysely<Database>): Pick<ApprovalStore, "expireDue" | "dueForEscalation" | "escalate"> {
  return {
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
  };
}
