import type { Kysely } from "kysely";
import type { Priority } from "../contracts/alert.ts";
import { SMOKE_ALERT_TYPE } from "../domain/smoke.ts";
import type { StatsSource } from "../ports/stats-source.ts";
import type { Database } from "./neon-kysely-db.ts";

// Synthetic smoke incidents (E2E_SMOKE_TEST) prove the chain; they are not incidents anyone had.

/** Decisions by people: statuses a signature leads to (executed/failed follow an approval). */
const HUMAN_DECIDED = ["APPROVED", "REJECTED", "EXECUTED", "FAILED"] as const;

export function createStatsSource(db: Kysely<Database>): StatsSource {
  return {
    async counts(at) {
      const [incidents, approvals] = await Promise.all([
        db
          .selectFrom("incidents")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("opened_at", "<=", at)
          .where("alert_type", "<>", SMOKE_ALERT_TYPE)
          .where((eb) => eb.or([eb("resolved_at", "is", null), eb("resolved_at", ">", at)]))
          .executeTakeFirstOrThrow(),
        db
          .selectFrom("approvals")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("created_at", "<=", at)
          .where("expires_at", ">", at)
          .where((eb) => eb.or([eb("decided_at", "is", null), eb("decided_at", ">", at)]))
          .where("auto_approved", "=", false)
          .executeTakeFirstOrThrow(),
      ]);
      return { openIncidents: Number(incidents.n), pendingApprovals: Number(approvals.n) };
    },

    async settlements(from, to) {
      const [auto, human] = await Promise.all([
        db
          .selectFrom("executions")
          .select("finished_at")
          .where("automatic", "=", true)
          .where("dry_run", "=", false)
          .where("status", "=", "succeeded")
          .where("finished_at", ">=", from)
          .where("finished_at", "<", to)
          .execute(),
        db
          .selectFrom("approvals")
          .select("decided_at")
          .where("auto_approved", "=", false)
          .where("status", "in", [...HUMAN_DECIDED])
          .where("decided_at", ">=", from)
          .where("decided_at", "<", to)
          .execute(),
      ]);
      return [
        ...auto.flatMap((r) => (r.finished_at ? [{ at: r.finished_at, mode: "auto" as const }] : [])),
        ...human.flatMap((r) => (r.decided_at ? [{ at: r.decided_at, mode: "human" as const }] : [])),
      ];
    },

    async resolutions(from, to) {
      const rows = await db
        .selectFrom("incidents")
        .leftJoin("approvals", "approvals.incident_id", "incidents.id")
        .select(["incidents.priority", "incidents.opened_at", "incidents.resolved_at", "approvals.auto_approved"])
        .where("incidents.alert_type", "<>", SMOKE_ALERT_TYPE)
        .where("incidents.resolved_at", ">=", from)
        .where("incidents.resolved_at", "<", to)
        .execute();
      return rows.flatMap((r) =>
        r.resolved_at
          ? [
              {
                priority: r.priority as Priority,
                openedAt: r.opened_at,
                resolvedAt: r.resolved_at,
                mode: r.auto_approved ? ("auto" as const) : ("human" as const),
              },
            ]
          : [],
      );
    },

    async humanApprovals(from, to) {
      const rows = await db
        .selectFrom("approvals")
        .innerJoin("incidents", "incidents.id", "approvals.incident_id")
        .select(["incidents.priority", "approvals.created_at", "approvals.decided_at", "approvals.status"])
        .where("approvals.auto_approved", "=", false)
        // Made obsolete by the incident resolving: nobody needed to answer.
        .where("approvals.status", "<>", "OBSOLETE")
        .where("approvals.created_at", ">=", from)
        .where("approvals.created_at", "<", to)
        .execute();
      return rows.map((r) => ({
        priority: r.priority as Priority,
        createdAt: r.created_at,
        answeredAt: (HUMAN_DECIDED as readonly string[]).includes(r.status) ? (r.decided_at ?? undefined) : undefined,
      }));
    },

    async openedIncidents(from, to) {
      const rows = await db
        .selectFrom("incidents")
        .select(["priority", "opened_at", "resolved_at"])
        .where("alert_type", "<>", SMOKE_ALERT_TYPE)
        .where("opened_at", ">=", from)
        .where("opened_at", "<", to)
        .execute();
      return rows.map((r) => ({ priority: r.priority as Priority, openedAt: r.opened_at, resolvedAt: r.resolved_at ?? undefined }));
    },

    async analysisAttempts(from, to) {
      const rows = await db
        .selectFrom("incidents")
        .select("analysis_attempts")
        .where("alert_type", "<>", SMOKE_ALERT_TYPE)
        .where("opened_at", ">=", from)
        .where("opened_at", "<", to)
        .execute();
      return rows.flatMap((r) => r.analysis_attempts ?? []);
    },
  };
}
