import type { Kysely } from "kysely";
import { storableDeep, storableText } from "../domain/text.ts";
import type { DeadLetterEntry, DeadLetterStore } from "../ports/dead-letter-store.ts";
import { type Database, json } from "./neon-kysely-db.ts";

// A dead letter is kept for people to read: its text is made storable (NUL → ␀,
// lone surrogate → U+FFFD) with the same scrub ingest uses, never refused.
/** The column is a 32-bit integer; a hostile count must not make the row unstorable. */
const storableCount = (n: number) => Math.min(Math.max(Math.trunc(n) || 0, 0), 2_147_483_647);

const rowOf = ({ queue, messageId, reason, attempts, body }: DeadLetterEntry) => ({
  queue: storableText(queue),
  message_id: storableText(messageId),
  reason: storableText(reason),
  attempts: storableCount(attempts),
  body: body === undefined ? null : json(storableDeep(body)),
});

export function createDeadLetterStore(db: Kysely<Database>): DeadLetterStore {
  return {
    async record(entry) {
      await this.recordAll([entry]);
    },

    async recordAll(entries) {
      if (entries.length === 0) return;
      await db
        .insertInto("dead_letters")
        .values(entries.map(rowOf))
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
