import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { createApp } from "./app.ts";
import { ANALYZE_MAX_DELIVERIES } from "./deliveries.ts";
import { configOf, type Env } from "./env.ts";
import { handleAnalyzeContinue, handleAnalyzeRequested, handleIncidentResolved } from "./handle.ts";
import { analyzeDeps } from "./services.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    await withDb(databaseConnectionOf(configOf(env)), async (db) => {
      const deps = analyzeDeps(env, db);
      await consume(batch.messages, {
        queue: batch.queue,
        schema: AnalyzeQueueMessage,
        deadLetters: env.DEAD_LETTER_QUEUE,
        handle: (message, { attempts }) => {
          switch (message.type) {
            case "analyze.requested":
              return handleAnalyzeRequested(message, deps, { attempts, maxDeliveries: ANALYZE_MAX_DELIVERIES });
            case "analyze.continue":
              return handleAnalyzeContinue(message, deps);
            case "incident.resolved":
              return handleIncidentResolved(message, deps);
          }
        },
      });
    });
  },
} satisfies ExportedHandler<Env, unknown>;
