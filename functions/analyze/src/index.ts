import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { createApp } from "./app.ts";
import { ANALYZE_MAX_DELIVERIES } from "./deliveries.ts";
import type { Env } from "./env.ts";
import { handleAnalyzeContinue, handleAnalyzeRequested, handleIncidentResolved } from "./handle.ts";
import { withServices } from "./services.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    await withServices(env, async (deps) => {
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
