import { NotifyQueueMessage } from "../../../shared/contracts/queue.ts";
import { queueEntry } from "../../../shared/queue/consume.ts";
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";
import {
  handleApprovalChanged,
  handleDigestReady,
  handleIncidentAcknowledged,
  handleIncidentAdmitted,
  handleIncidentEscalated,
  handleNotifyRequested,
  handleTicketRepeated,
} from "./handle.ts";
import { withServices } from "./services.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  queue: queueEntry(withServices, {
    schema: NotifyQueueMessage,
    handle: (message, deps) => {
      switch (message.type) {
        case "incident.admitted":
          return handleIncidentAdmitted(message, deps);
        case "approval.changed":
          return handleApprovalChanged(message, deps);
        case "incident.escalated":
          return handleIncidentEscalated(message, deps);
        case "incident.acknowledged":
          return handleIncidentAcknowledged(message, deps);
        case "digest.ready":
          return handleDigestReady(message, deps);
        case "ticket.repeated":
          return handleTicketRepeated(message, deps);
        default:
          return handleNotifyRequested(message, deps);
      }
    },
  }),
} satisfies ExportedHandler<Env, unknown>;
