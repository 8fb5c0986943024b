import type { Kysely, Selectable } from "kysely";
import type { IncidentRecord, IncidentStore } from "../ports/incident-store.ts";
import { type Database, type IncidentsTable, json } from "./neon-kysely-db.ts";

export function createIncidentStore(db: Kysely<Database>): IncidentStore {
  async function get(id: string): Promise<IncidentRecord | undefined> {
    const row = await db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  return {
    get,

    async open({ id, fingerprint, alert, openedAt, correlationId }) {
      await db
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
      const record = await get(id);
      if (!record) throw new Error(`incident ${id} vanished right after insert`);
      return record;
    },

    async recordVerdict(id, rca, at) {
      await db
        .updateTable("incidents")
        .set({ rca: json(rca), rca_provider: rca.provider, rca_model: rca.model, status: "analyzed", analyzed_at: at, updated_at: at })
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
    alert: row.alert,
    rca: row.rca ?? undefined,
    openedAt: row.opened_at,
    analyzedAt: row.analyzed_at ?? undefined,
    resolvedAt: row.resolved_at ?? undefined,
  };
}
