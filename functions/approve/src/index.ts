import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createDeadLetterStore } from "../../../shared/adapters/neon-kysely-dead-letter-store.ts";
import { createApp } from "./app.ts";
import { recordDeadLetters } from "./dead-letters.ts";
import { configOf, type Env } from "./env.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    await withDb(databaseConnectionOf(configOf(env)), (db) => recordDeadLetters(batch.messages, createDeadLetterStore(db)));
  },
} satisfies ExportedHandler<Env, unknown>;
