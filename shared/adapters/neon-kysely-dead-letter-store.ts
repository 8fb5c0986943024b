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
  };
}
