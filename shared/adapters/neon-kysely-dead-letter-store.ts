import type { Kysely } from "kysely";
import type { DeadLetterEntry, DeadLetterStore } from "../ports/dead-letter-store.ts";
import { type Database, json } from "./neon-kysely-db.ts";

/**
 * Postgres text and jsonb hold neither NUL nor lone UTF-16 surrogates. A dead
 * letter is kept for people to read, so NUL becomes the visible ␀ and a lone
 * surrogate the replacement character, instead of the message being unstorable.
 */
const storable = (text: string) => text.replaceAll("\u0000", "\u2400").toWellFormed();
const storableJson = (value: unknown) =>
  json(value)
    .replaceAll("\\u0000", "\\u2400")
    .replace(/\\ud[89a-f][0-9a-f]{2}/gi, "\\ufffd");
/** The column is a 32-bit integer; a hostile count must not make the row unstorable. */
const storableCount = (n: number) => Math.min(Math.max(Math.trunc(n) || 0, 0), 2_147_483_647);

const rowOf = ({ queue, messageId, reason, attempts, body }: DeadLetterEntry) => ({
  queue: storable(queue),
  message_id: storable(messageId),
  reason: storable(reason),
  attempts: storableCount(attempts),
  body: body === undefined ? null : storableJson(body),
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
