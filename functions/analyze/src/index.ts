import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { databaseConnectionOf, withDb } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { AnalyzeQueueMessage, ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { publish } from "../../../shared/queue/publish.ts";
import { configOf, type Env } from "./env.ts";
import { type AnalyzeDeps, handleAnalyzeRequested, handleIncidentResolved } from "./handle.ts";

const app = newApp<Env>("analyze");
app.get("/health", (c) => c.json({ service: "analyze", ok: true }));

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const config = configOf(env);
    await withDb(databaseConnectionOf(config), async (db) => {
      const deps: AnalyzeDeps = {
        incidents: createIncidentStore(db),
        approvals: createApprovalStore(db),
        publishClassify: (message: ClassifyRequestedV1) => publish(env.CLASSIFY_QUEUE, ClassifyRequestedV1, message),
        now: () => new Date(),
        dedupWindowSeconds: config.DEDUP_WINDOW_SECONDS,
        log: (event) => console.log(JSON.stringify({ service: "analyze", ...event })),
      };
      await consume(batch.messages, {
        queue: batch.queue,
        schema: AnalyzeQueueMessage,
        deadLetters: env.DEAD_LETTER_QUEUE,
        handle: (message) => (message.type === "analyze.requested" ? handleAnalyzeRequested(message, deps) : handleIncidentResolved(message, deps)),
      });
    });
  },
} satisfies ExportedHandler<Env, unknown>;
