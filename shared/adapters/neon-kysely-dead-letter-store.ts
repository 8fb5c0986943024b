import type { Kysely } from "kysely";
import type { DeadLetterStore } from "../ports/dead-letter-store.ts";
import { type Database, json } from "./neon-kysely-db.ts";

export function createDeadLetterStore(db: Kysely<Database>): DeadLetterStore {
  return {
    async record({ queue, messageId, reason, attempts, body }) {
      await db
        .insertInto("dead_letters")
        .values({ queue, message_id: messageId, reason, attempts, body: body === undefined ? null : json(body) })
        .onConflict((oc) => oc.columns(["queue", "message_id"]).doNothing())
        .execute();
    },

    async list({ queue, since, limit, before }) {
      let query = db.selectFrom("dead_letters").selectAll().orderBy("id", "desc").limit(limit);
      if (queue) query = query.where("queue", "=", queue);
      if (since) query = query.where("received_at", ">=", since);
      if (before) query = query.where("id", "<", before);
      const rows = await query.execute();
      return rows.map((row) => ({
        id: String(row.id),
        queue: row.queue,
        messageId: row.message_id,
        reason: row.reason,
        attempts: row.attempts,
        body: row.body,
        receivedAt: row.received_at,
      }));
    },
  };
}
