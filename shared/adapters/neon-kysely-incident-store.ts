import { type Kysely, type Selectable, sql } from "kysely";
import type { IncidentRecord, IncidentStore } from "../ports/incident-store.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import { type Database, type IncidentsTable, json } from "./neon-kysely-db.ts";
import { olderThan } from "./neon-kysely-keyset.ts";

export function createIncidentStore(db: Kysely<Database>): IncidentStore {
  async function get(id: string): Promise<IncidentRecord | undefined> {
    const row = await db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async function insert(executor: Kysely<Database>, { id, fingerprint, alert, openedAt, correlationId }: Parameters<IncidentStore["open"]>[0]) {
    await executor
      .insertInto("incidents")
      .values({
        id,
        fingerprint,
        status: "analyzing",
        alert_type: alert.alert_type,
        source: alert.source,
        severity: alert.severity,
        priority: alert.priority,
        namespace: alert.namespace ?? null,
        target_resource: alert.target_resource ?? null,
        alert: json(alert),
        correlation_id: correlationId,
        opened_at: openedAt,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  return {
    get,

    async open(input) {
      await insert(db, input);
      const record = await get(input.id);
      if (!record) throw new Error(`incident ${input.id} vanished right after insert`);
      return record;
    },

    async openUnlessOpen(input, since) {
      return db.transaction().execute(async (tx) => {
        // One opener per fingerprint at a time, so two Redis-less deliveries cannot both open.
        await sql`select pg_advisory_xact_lock(hashtext(${`incident:${input.fingerprint}`}))`.execute(tx);
        const open = await tx
          .selectFrom("incidents")
          .selectAll()
          .where("fingerprint", "=", input.fingerprint)
          .where("status", "<>", "resolved")
          .where("created_at", ">=", since)
          .orderBy("created_at", "desc")
          .executeTakeFirst();
        if (open && open.id !== input.id) {
          // The id a webhook answer already named stays readable: it answers the incident that absorbed it.
          await tx
            .insertInto("incident_aliases")
            .values({ alias_id: input.id, incident_id: open.id })
            .onConflict((oc) => oc.column("alias_id").doNothing())
            .execute();
          return { incident: toRecord(open), created: false };
        }
        await insert(tx, input);
        const row = await tx.selectFrom("incidents").selectAll().where("id", "=", input.id).executeTakeFirstOrThrow();
        return { incident: toRecord(row), created: open === undefined };
      });
    },

    async resolve(id, at) {
      await db
        .updateTable("incidents")
        .set({ status: "resolved", resolved_at: at, updated_at: at })
        .where("id", "=", id)
        .where("resolved_at", "is", null)
        .execute();
      return get(id);
    },

    async resolveByFingerprint(fingerprint, at) {
      const rows = await db
        .updateTable("incidents")
        .set({ status: "resolved", resolved_at: at, updated_at: at })
        .where("fingerprint", "=", fingerprint)
        .where("resolved_at", "is", null)
        .returningAll()
        .execute();
      return rows.map(toRecord);
    },

    async startAnalysis(id, at) {
      await db.updateTable("incidents").set({ analysis_started_at: at }).where("id", "=", id).where("analysis_started_at", "is", null).execute();
    },

    async recordAttempt(id, attempt) {
      await db
        .updateTable("incidents")
        .set({ analysis_attempts: sql`analysis_attempts || ${json([attempt])}::jsonb` })
        .where("id", "=", id)
        .execute();
    },

    async recordContext(id, context) {
      await db
        .updateTable("incidents")
        .set({ cluster_context: json(context) })
        .where("id", "=", id)
        .where("cluster_context", "is", null)
        .execute();
    },

    async setPending(id, job) {
      await db
        .updateTable("incidents")
        .set({ pending_job_id: job.jobId, pending_provider: job.provider, pending_position: job.position, pending_until: job.until })
        .where("id", "=", id)
        .execute();
    },

    async claimPending(id, jobId) {
      const row = await db
        .updateTable("incidents")
        .set({ pending_job_id: null, pending_provider: null, pending_until: null })
        .where("id", "=", id)
        .where("pending_job_id", "=", jobId)
        .returning("pending_position")
        .executeTakeFirst();
      return row?.pending_position ?? undefined;
    },

    async markClassifySent(id, at) {
      await db.updateTable("incidents").set({ classify_sent_at: at }).where("id", "=", id).where("classify_sent_at", "is", null).execute();
    },

    async recordTriage(id, triage) {
      await db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("incidents")
          .set({ triage: json(triage), updated_at: new Date(triage.decided_at) })
          .where("id", "=", id)
          .where("triage", "is", null)
          .returning("id")
          .executeTakeFirst();
        if (!changed) return;
        await appendAudit(tx, {
          at: new Date(triage.decided_at),
          actor: "classify",
          action: `incident.triaged.${triage.decision}`,
          subject: { type: "incident", id: id },
          details: triage,
        });
      });
    },

    async getOrAbsorber(id) {
      const incident = await get(id);
      if (incident) return incident;
      const alias = await db.selectFrom("incident_aliases").select("incident_id").where("alias_id", "=", id).executeTakeFirst();
      return alias ? get(alias.incident_id) : undefined;
    },

    async acknowledge(id, by, at) {
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("incidents")
          .set({ acknowledged_at: at, acknowledged_by: by, updated_at: at })
          .where("id", "=", id)
          .where("acknowledged_at", "is", null)
          .where("status", "<>", "resolved")
          .returningAll()
          .executeTakeFirst();
        if (changed) {
          await appendAudit(tx, { at, actor: by, action: "incident.acknowledged", subject: { type: "incident", id: id }, details: { by } });
          return { incident: toRecord(changed), acknowledged: true };
        }
        const row = await tx.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
        return row ? { incident: toRecord(row), acknowledged: false } : undefined;
      });
    },

    async dueForEscalation(now, sla, ceiling, limit) {
      const byPriority = (values: Readonly<Record<string, number>>) =>
        sql<number>`case priority when 'P0' then ${values.P0}::int when 'P1' then ${values.P1}::int when 'P2' then ${values.P2}::int else ${values.P3}::int end`;
      const awaitingAck = sql<boolean>`(acknowledged_at is null and not exists (select 1 from approvals where approvals.incident_id = incidents.id))`;
      const rows = await db
        .selectFrom("incidents")
        .selectAll()
        .select(awaitingAck.as("awaiting_ack"))
        .where("status", "<>", "resolved")
        .where(sql<boolean>`escalation_level < ${byPriority(ceiling)}`)
        .where((eb) =>
          eb.or([
            eb.and([
              sql<boolean>`${awaitingAck}`,
              sql<boolean>`opened_at + (escalation_level + 1) * ${byPriority(sla.responseSeconds)} * interval '1 second' <= ${now}`,
            ]),
            sql<boolean>`opened_at + (escalation_level + 1) * ${byPriority(sla.resolutionSeconds)} * interval '1 second' <= ${now}`,
          ]),
        )
        // Newest first: an incident that just became due is the one people can still act on; a backlog of
        // older ones (each escalated once, straight to the level it is due) drains over the next ticks.
        .orderBy("opened_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ incident: toRecord(row), awaitingAck: row.awaiting_ack === true }));
    },

    async escalate(id, level, steps) {
      if (steps.length === 0) return false;
      return db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable("incidents")
          .set({ escalation_level: level, escalations: sql`escalations || ${json(steps)}::jsonb`, updated_at: new Date(steps.at(-1)!.at) })
          .where("id", "=", id)
          .where("escalation_level", "<", level)
          .where("status", "<>", "resolved")
          .returning("id")
          .executeTakeFirst();
        if (!changed) return false;
        await appendAudit(
          tx,
          ...steps.map((step) => ({
            at: new Date(step.at),
            actor: "sweep",
            action: "incident.escalated",
            subject: { type: "incident" as const, id },
            details: step,
          })),
        );
        return true;
      });
    },

    async appendEscalationSteps(id, steps) {
      if (steps.length === 0) return;
      await db
        .updateTable("incidents")
        .set({ escalations: sql`escalations || ${json(steps)}::jsonb` })
        .where("id", "=", id)
        .execute();
    },

    async list(filter) {
      let query = db.selectFrom("incidents").selectAll().orderBy("opened_at", "desc").orderBy("id", "desc").limit(filter.limit);
      if (filter.status) query = query.where("status", "=", filter.status);
      if (filter.priority) query = query.where("priority", "=", filter.priority);
      if (filter.since) query = query.where("opened_at", ">=", filter.since);
      if (filter.after) query = query.where(olderThan("opened_at", "id", filter.after));
      return (await query.execute()).map(toRecord);
    },

    async recordVerdict(id, rca, at) {
      await db
        .updateTable("incidents")
        // A verdict never reopens an incident that resolved while it was being analyzed.
        .set({
          rca: json(rca),
          rca_provider: rca.provider,
          rca_model: rca.model,
          status: sql<"analyzed" | "resolved">`case when status = 'resolved' then 'resolved' else 'analyzed' end`,
          analyzed_at: at,
          analysis_duration_ms: sql<number>`case when analysis_started_at is null then null else greatest(0, round(extract(epoch from (${at}::timestamptz - analysis_started_at)) * 1000))::int end`,
          pending_job_id: null,
          pending_provider: null,
          pending_until: null,
          updated_at: at,
        })
        .where("id", "=", id)
        .where("rca", "is", null)
        .execute();
      const record = await get(id);
      if (!record) throw new Error(`incident ${id} not found`);
      return record;
    },
  };
}

function toRecord(row: Selectable<IncidentsTable>): IncidentRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    status: row.status,
    correlationId: row.correlation_id,
    alert: row.alert,
    rca: row.rca ?? undefined,
    openedAt: row.opened_at,
    analyzedAt: row.analyzed_at ?? undefined,
    resolvedAt: row.resolved_at ?? undefined,
    attempts: row.analysis_attempts ?? [],
    pending:
      row.pending_job_id && row.pending_provider && row.pending_until
        ? { jobId: row.pending_job_id, provider: row.pending_provider, position: row.pending_position ?? 0, until: row.pending_until }
        : undefined,
    analysisDurationMs: row.analysis_duration_ms ?? undefined,
    classifySentAt: row.classify_sent_at ?? undefined,
    triage: row.triage ?? undefined,
    clusterContext: row.cluster_context ?? undefined,
    ticket: row.ticket ?? undefined,
    acknowledged: row.acknowledged_at && row.acknowledged_by ? { at: row.acknowledged_at, by: row.acknowledged_by } : undefined,
    escalationLevel: row.escalation_level ?? 0,
    escalations: row.escalations ?? [],
  };
}
