import type { Kysely } from "kysely";
import { TicketRef } from "../contracts/ticket.ts";
import type { IncidentTickets, TicketedIncident } from "../ports/incident-tickets.ts";
import { type Database, json } from "./neon-kysely-db.ts";

/** A stored reference that no longer parses is treated as none: a ticket is never worth failing a notification for. */
const refOf = (value: unknown) => {
  const parsed = TicketRef.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

export function createIncidentTickets(db: Kysely<Database>): IncidentTickets {
  return {
    async get(incidentId) {
      const row = await db.selectFrom("incidents").select("ticket").where("id", "=", incidentId).executeTakeFirst();
      return row?.ticket ? refOf(row.ticket) : undefined;
    },

    async attach(incidentId, ticket, at) {
      const result = await db
        .updateTable("incidents")
        .set({ ticket: json(ticket), ticket_commented_at: at, updated_at: at })
        .where("id", "=", incidentId)
        .where("ticket", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async quietSince(before, limit) {
      const rows = await db
        .selectFrom("incidents")
        .select(["id", "fingerprint", "correlation_id", "ticket", "ticket_hits"])
        .where("ticket", "is not", null)
        .where("status", "<>", "resolved")
        .where((eb) => eb.or([eb("ticket_commented_at", "is", null), eb("ticket_commented_at", "<", before)]))
        .orderBy("ticket_commented_at", "asc")
        .limit(limit)
        .execute();
      return rows.flatMap((row): TicketedIncident[] => {
        const ticket = refOf(row.ticket);
        return ticket ? [{ incidentId: row.id, fingerprint: row.fingerprint, correlationId: row.correlation_id, ticket, reportedHits: row.ticket_hits }] : [];
      });
    },

    async claimRepeatReport(incidentId, from, to, at) {
      const result = await db
        .updateTable("incidents")
        .set({ ticket_hits: to, ticket_commented_at: at })
        .where("id", "=", incidentId)
        .where("ticket_hits", "=", from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
