import type { Priority } from "../contracts/alert.ts";
import type { TicketRef } from "../contracts/ticket.ts";
import type { DeliveryOutcome } from "./channel-sender.ts";

export type { TicketRef };

export interface NewTicket {
  readonly title: string;
  /** Markdown (GitHub) or plain text (Jira renders it as a paragraph per line). */
  readonly body: string;
  readonly priority: Priority;
  readonly labels: readonly string[];
}

/** The opening answer carries the ticket's reference; every other outcome is a channel outcome. */
export type OpenOutcome = { readonly kind: "opened"; readonly ref: TicketRef } | Exclude<DeliveryOutcome, { kind: "sent" }>;

/**
 * An issue tracker as a notify destination (issue #18): one ticket per
 * incident, comments as it moves, closed when it resolves. Never throws:
 * every failure is a retry or a permanent outcome, like any channel.
 */
export interface TicketTracker {
  readonly system: TicketRef["system"];
  open(ticket: NewTicket): Promise<OpenOutcome>;
  comment(ref: TicketRef, body: string): Promise<DeliveryOutcome>;
  close(ref: TicketRef): Promise<DeliveryOutcome>;
}
