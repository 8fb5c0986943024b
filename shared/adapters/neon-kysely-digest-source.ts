import type { Kysely } from "kysely";
import type { Priority } from "../contracts/alert.ts";
import { incidentTitle } from "../domain/digest.ts";
import { SMOKE_ALERT_TYPE } from "../domain/smoke.ts";
import type { DigestSource } from "../ports/digest-source.ts";
import type { Database } from "./neon-kysely-db.ts";

/** A day is bounded, but a storm day is not small: the digest counts everything and lists only the top few. */
const MAX_INCIDENTS = 5_000;

export function createDigestSource(db: Kysely<Database>): DigestSource {
  return {
    async incidents(from, to) {
      const rows = await db
        .selectFrom("incidents")
        .select(["id", "fingerprint", "alert_type", "namespace", "target_resource", "priority", "source", "status", "opened_at"])
        .where("alert_type", "<>", SMOKE_ALERT_TYPE)
        .where("opened_at", ">=", from)
        .where("opened_at", "<", to)
        .orderBy("opened_at", "desc")
        .limit(MAX_INCIDENTS)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        fingerprint: r.fingerprint,
        title: incidentTitle(r.alert_type, r.namespace, r.target_resource),
        priority: r.priority as Priority,
        source: r.source,
        status: r.status,
        openedAt: r.opened_at,
      }));
    },

    async automaticRuns(from, to) {
      const rows = await db
        .selectFrom("executions")
        .select(["dry_run", "status"])
        .where("automatic", "=", true)
        .where("finished_at", ">=", from)
        .where("finished_at", "<", to)
        .execute();
      return rows.map((r) => ({ dryRun: r.dry_run, status: r.status }));
    },

    async pending(at) {
      const rows = await db
        .selectFrom("approvals")
        .innerJoin("incidents", "incidents.id", "approvals.incident_id")
        .select([
          "approvals.id",
          "approvals.incident_id",
          "approvals.created_at",
          "incidents.alert_type",
          "incidents.namespace",
          "incidents.target_resource",
          "incidents.priority",
        ])
        .where("approvals.status", "=", "PENDING")
        .where("approvals.auto_approved", "=", false)
        .where("approvals.expires_at", ">", at)
        .where("incidents.alert_type", "<>", SMOKE_ALERT_TYPE)
        .orderBy("approvals.created_at", "asc")
        .limit(MAX_INCIDENTS)
        .execute();
      return rows.map((r) => ({
        approvalId: r.id,
        incidentId: r.incident_id,
        title: incidentTitle(r.alert_type, r.namespace, r.target_resource),
        priority: r.priority as Priority,
        createdAt: r.created_at,
      }));
    },
  };
}
