/** A message as the local dev inbox shows it (`GET /dev/inbox`). */
export interface InboxMessage {
  readonly incident_id: string;
  /** Null for link-less notices (no approval exists). */
  readonly approval_id: string | null;
  readonly kind: string;
  readonly text: string;
  readonly links: ReadonlyArray<{ readonly approver: string; readonly url: string }>;
  readonly at: string;
}

/** Stand-in for chat channels in local dev: keeps messages where a developer (or a test) can read them. */
export interface DevInbox {
  deliver(message: InboxMessage): Promise<void>;
  list(limit: number): Promise<InboxMessage[]>;
}
