import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { playbookChange } from "../domain/learning.ts";
import type { ExecutionRecord, ExecutionStore, ExecutionSubject } from "../ports/execution-store.ts";
import type { LearningHistory } from "../ports/learning.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import { type Database, type ExecutionsTable, json } from "./neon-kysely-db.ts";

type Reader = Kysely<Database> | Transaction<Database>;

export function createExecutionStore(db: Kysely<Database>): ExecutionStore {
  return {
    async get(id) {
      const row = await db.selectFrom("executions").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toExecution(row) : undefined;
    },

    async getByApproval(approvalId) {
      const row = await db.selectFrom("executions").selectAll().where("approval_id", "=", approvalId).executeTakeFirst();
      return row ? toExecution(row) : undefined;
    },

    subject: (id) => loadSubject(db, id),

    async markDispatched(id) {
      const changed = await db
        .updateTable("executions")
        .set({ status: "dispatched" })
        .where("id", "=", id)
        .where("status", "=", "requested")
        .returning("id")
        .executeTakeFirst();
      return changed !== undefined;
    },

    async markHandedOff(id, at) {
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("executions")
          .set({ dispatched_at: at })
          .where("id", "=", id)
          .where("dispatched_at", "is", null)
          .returning(["approval_id", "dry_run", "action_digest"])
          .executeTakeFirst();
        if (changed) {
          await audit(tx, at, "approve", changed.approval_id, "execution.dispatched", {
            execution_id: id,
            dry_run: changed.dry_run,
            action_digest: changed.action_digest,
          });
        }
        return changed !== undefined;
      });
    },

    async markManual(id, at) {
      // A person runs the command for real: nothing about it is a dry run.
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("executions")
          .set({ status: "manual", dry_run: false, dispatched_at: at })
          .where("id", "=", id)
          .where("status", "=", "requested")
          .returning("approval_id")
          .executeTakeFirst();
        if (changed) await audit(tx, at, "approve", changed.approval_id, "execution.manual", { execution_id: id, reason: "no executor configured" });
        return changed !== undefined;
      });
    },

    async recordResult({ executionId, result, reportedBy, at }) {
      return db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom("executions").selectAll().where("id", "=", executionId).forUpdate().executeTakeFirst();
        if (!row) return { kind: "not_found" } as const;
        if (row.status === "succeeded" || row.status === "failed") {
          if (row.status !== result.status) return { kind: "conflict", execution: toExecution(row) } as const;
          return { kind: "repeat", subject: await mustLoadSubject(tx, executionId), learned: !row.dry_run } as const;
        }
        if (row.status === "requested") return { kind: "not_dispatched", execution: toExecution(row) } as const;
        if (result.digest !== undefined && result.digest !== row.action_digest) return { kind: "digest_mismatch", execution: toExecution(row) } as const;
        const success = result.status === "succeeded";
        await tx
          .updateTable("executions")
          .set({
            status: result.status,
            finished_at: at,
            duration_ms: result.duration_ms ?? null,
            output_excerpt: result.output_excerpt ?? null,
            reported_by: reportedBy,
            ...(result.plan ? { plan: json(result.plan) } : {}),
          })
          .where("id", "=", executionId)
          .execute();
        await tx
          .updateTable("approvals")
          .set({ status: success ? "EXECUTED" : "FAILED", updated_at: at })
          .where("id", "=", row.approval_id)
          .where("status", "=", "APPROVED")
          .execute();
        await audit(tx, at, reportedBy, row.approval_id, success ? "execution.succeeded" : "execution.failed", {
          execution_id: executionId,
          dry_run: row.dry_run,
          duration_ms: result.duration_ms ?? null,
          output_excerpt: result.output_excerpt?.slice(0, 500) ?? null,
        });
        const subject = await mustLoadSubject(tx, executionId);
        // A dry run proves nothing about the fix: it is recorded, but not learned from.
        if (row.dry_run) return { kind: "recorded", subject, learned: false, playbook: "keep" } as const;

        await tx
          .insertInto("repair_outcomes")
          .values({
            fingerprint: subject.fingerprint,
            alert_type: subject.alert.alert_type,
            operation: row.operation,
            success,
            duration_ms: result.duration_ms ?? null,
            execution_id: executionId,
            recorded_at: at,
          })
          .execute();
        const playbook = await refreshPlaybook(tx, subject, at);
        return { kind: "recorded", subject, learned: true, playbook } as const;
      });
    },

    async staleRequested(olderThan, limit) {
      const rows = await db
        .selectFrom("executions")
        .selectAll()
        // Claimed for dispatch but never accepted by the executor counts too: its hand-off may have been lost.
        .where((eb) => eb.or([eb("status", "=", "requested"), eb.and([eb("status", "=", "dispatched"), eb("dispatched_at", "is", null)])]))
        .where("requested_at", "<", olderThan)
        .orderBy("requested_at")
        .limit(limit)
        .execute();
      return rows.map(toExecution);
    },
  };
}

/** Outcome history and playbooks, read by the learning endpoints. */
export function createLearningHistory(db: Kysely<Database>): LearningHistory {
  return {
    async recentOutcomes(fingerprint, limit) {
      const rows = await db
        .selectFrom("repair_outcomes")
        .selectAll()
        .where("fingerprint", "=", fingerprint)
        .orderBy("recorded_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        operation: row.operation,
        success: row.success,
        durationMs: row.duration_ms ?? undefined,
        executionId: row.execution_id ?? undefined,
        recordedAt: row.recorded_at,
      }));
    },

    async playbook(fingerprint) {
      const row = await db.selectFrom("playbooks").selectAll().where("fingerprint", "=", fingerprint).executeTakeFirst();
      return row
        ? {
            fingerprint: row.fingerprint,
            alertType: row.alert_type,
            operation: row.operation,
            command: row.command,
            successRate: row.success_rate,
            samples: row.samples,
            updatedAt: row.updated_at,
          }
        : undefined;
    },
  };
}

/** Seed 002 Phase G: the action's whole record decides whether it (still) holds the fingerprint's playbook. */
async function refreshPlaybook(tx: Transaction<Database>, subject: ExecutionSubject, at: Date): Promise<"update" | "remove" | "keep"> {
  const { fingerprint } = subject;
  const { operation, command } = subject.execution;
  const record = await tx
    .selectFrom("repair_outcomes")
    .select([sql<number>`count(*)::int`.as("samples"), sql<number>`(count(*) filter (where success))::int`.as("successes")])
    .where("fingerprint", "=", fingerprint)
    .where("operation", "=", operation)
    .executeTakeFirstOrThrow();
  const existing = await tx.selectFrom("playbooks").selectAll().where("fingerprint", "=", fingerprint).forUpdate().executeTakeFirst();
  const candidate = { operation, samples: record.samples, successRate: record.samples > 0 ? record.successes / record.samples : 0 };
  const change = playbookChange(
    candidate,
    existing ? { operation: existing.operation, samples: existing.samples, successRate: existing.success_rate } : undefined,
  );
  if (change === "update") {
    await tx
      .insertInto("playbooks")
      .values({
        fingerprint,
        alert_type: subject.alert.alert_type,
        operation,
        command,
        success_rate: candidate.successRate,
        samples: candidate.samples,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.column("fingerprint").doUpdateSet({ operation, command, success_rate: candidate.successRate, samples: candidate.samples, updated_at: at }),
      )
      .execute();
  } else if (change === "remove") {
    await tx.deleteFrom("playbooks").where("fingerprint", "=", fingerprint).execute();
  }
  if (change !== "keep") {
    await audit(tx, at, "approve", subject.execution.approvalId, `playbook.${change === "update" ? "updated" : "removed"}`, {
      fingerprint,
      operation,
      samples: candidate.samples,
      success_rate: candidate.successRate,
    });
  }
  return change;
}

function audit(db: Reader, at: Date, actor: string, approvalId: string, action: string, details: Record<string, unknown>): Promise<void> {
  return appendAudit(db, { at, actor, action, subject: { type: "approval", id: approvalId }, details });
}

async function loadSubject(db: Reader, id: string): Promise<ExecutionSubject | undefined> {
  const row = await db
    .selectFrom("executions")
    .innerJoin("incidents", "incidents.id", "executions.incident_id")
    .innerJoin("approvals", "approvals.id", "executions.approval_id")
    .selectAll("executions")
    .select(["incidents.fingerprint", "incidents.alert", "incidents.correlation_id", "approvals.risk_level", "approvals.action as approval_action"])
    .where("executions.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const signers = await db
    .selectFrom("approval_signatures")
    .select("approver")
    .where("approval_id", "=", row.approval_id)
    .where("decision", "=", "approve")
    .orderBy("signed_at")
    .execute();
  return {
    execution: toExecution(row),
    fingerprint: row.fingerprint,
    alert: row.alert,
    correlationId: row.correlation_id,
    riskLevel: row.risk_level,
    description: row.approval_action.description,
    approvedBy: row.automatic ? ["trust-engine"] : signers.map((s) => s.approver),
  };
}

async function mustLoadSubject(db: Reader, id: string): Promise<ExecutionSubject> {
  const subject = await loadSubject(db, id);
  if (!subject) throw new Error(`execution ${id} not found`);
  return subject;
}

function toExecution(row: Selectable<ExecutionsTable>): ExecutionRecord {
  return {
    id: row.id,
    approvalId: row.approval_id,
    incidentId: row.incident_id,
    status: row.status,
    dryRun: row.dry_run,
    automatic: row.automatic,
    operation: row.operation,
    command: row.command,
    action: row.action ?? undefined,
    argv: row.argv ?? undefined,
    digest: row.action_digest ?? undefined,
    plan: row.plan ?? undefined,
    requestedAt: row.requested_at,
    dispatchedAt: row.dispatched_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    durationMs: row.duration_ms ?? undefined,
    outputExcerpt: row.output_excerpt ?? undefined,
    reportedBy: row.reported_by ?? undefined,
  };
}
