import type { TicketRef } from "../contracts/ticket.ts";

/** An open incident whose ticket may be told of repeats. */
export interface TicketedIncident {
  readonly incidentId: string;
  readonly fingerprint: string;
  /** The incident's correlation id, carried by the repeat's message. */
  readonly correlationId: string;
  readonly ticket: TicketRef;
  /** The hit count the ticket last heard of. */
  readonly reportedHits: number;
}

/** The ticket reference stored on the incident (one ticket per incident, issue #18). */
export interface IncidentTickets {
  get(incidentId: string): Promise<TicketRef | undefined>;
  /** Stores the ticket of an incident that has none; false when the incident already had one (or does not exist). */
  attach(incidentId: string, ticket: TicketRef, at: Date): Promise<boolean>;
  /** Open incidents with a ticket not commented on since `before`, oldest first. */
  quietSince(before: Date, limit: number): Promise<TicketedIncident[]>;
  /**
   * Claims one repeat report: moves the reported count from `from` to `to` and
   * stamps the time, only if nobody else did (a sweep running twice reports once).
   */
  claimRepeatReport(incidentId: string, from: number, to: number, at: Date): Promise<boolean>;
}
