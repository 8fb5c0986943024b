import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { NotifyQueueMessage } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { consume } from "../../../shared/queue/consume.ts";
import { configOf, type Env } from "./env.ts";
import { handleApprovalChanged, handleIncidentAcknowledged, handleIncidentAdmitted, handleIncidentEscalated, handleNotifyRequested } from "./handle.ts";
import { servicesFor } from "./services.ts";

const app = newApp<Env>("notify");
mountHealthRoutes(app, "notify", (env) => [...storeChecks(configOf(env)), ...queuesBound(env, ["DEAD_LETTER_QUEUE"])]);

/** Local dev only: what notify would have sent, newest first. Absent unless DEV_INBOX is on. */
app.get("/dev/inbox", async (c) => {
  const { inbox } = servicesFor(c.env);
  if (!inbox) return c.notFound();
  const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 50) || 50, 1), 500);
  return c.json({ messages: await inbox.list(limit) });
});

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const deps = servicesFor(env);
    await consume(batch.messages, {
      queue: batch.queue,
      schema: NotifyQueueMessage,
      deadLetters: env.DEAD_LETTER_QUEUE,
      handle: (message) => {
        switch (message.type) {
          case "incident.admitted":
            return handleIncidentAdmitted(message, deps);
          case "approval.changed":
            return handleApprovalChanged(message, deps);
          case "incident.escalated":
            return handleIncidentEscalated(message, deps);
          case "incident.acknowledged":
            return handleIncidentAcknowledged(message, deps);
          default:
            return handleNotifyRequested(message, deps);
        }
      },
    });
  },
} satisfies ExportedHandler<Env, unknown>;
