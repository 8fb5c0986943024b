import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { AnalyzeRequestedV1, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env } from "./env.ts";
import { handleAnalyzeRequested } from "./handle.ts";

const app = newApp<Env>("analyze");
app.get("/health", (c) => c.json({ service: "analyze", ok: true }));

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const config = configOf(env);
    await withDb(databaseConnectionOf(config), async (db) => {
      const deps = {
        incidents: createIncidentStore(db),
        publishClassify: (message: ClassifyRequestedV1) => publish(env.CLASSIFY_QUEUE, ClassifyRequestedV1, message),
        now: () => new Date(),
      };
      await consume(batch.messages, {
        queue: batch.queue,
        schema: AnalyzeRequestedV1,
        deadLetters: env.DEAD_LETTER_QUEUE,
        handle: (message) => handleAnalyzeRequested(message, deps),
      });
    });
  },
} satisfies ExportedHandler<Env, unknown>;
