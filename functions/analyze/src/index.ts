import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import { queueEntry } from "../../../shared/queue/consume.ts";
import { createApp } from "./app.ts";
import { ANALYZE_MAX_DELIVERIES } from "./deliveries.ts";
import type { Env } from "./env.ts";
import { handleAnalyzeContinue, handleAnalyzeRequested, handleIncidentResolved } from "./handle.ts";
import { withServices } from "./services.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  queue: queueEntry(withServices, {
    schema: AnalyzeQueueMessage,
    handle: (message, deps, { attempts }) => {
      switch (message.type) {
        case "analyze.requested":
          return handleAnalyzeRequested(message, deps, { attempts, maxDeliveries: ANALYZE_MAX_DELIVERIES });
        case "analyze.continue":
          return handleAnalyzeContinue(message, deps);
        case "incident.resolved":
          return handleIncidentResolved(message, deps);
      }
    },
  }),
} satisfies ExportedHandler<Env, unknown>;
