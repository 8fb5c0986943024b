/**
 * A chat message already sent about an incident, kept so that later changes
 * (signatures, the decision, the result) edit it in place instead of piling up
 * new messages. One per (channel, recipient) and incident: the first one sent.
 */
export interface LiveMessage {
  readonly channel: "telegram" | "slack-app";
  /** The routing recipient (`chat:<id>`, `channel:<id>`, `approver:<id>`). */
  readonly recipient: string;
  /** Where the message is: a Telegram chat id, or a Slack channel or DM id. */
  readonly chat: string;
  /** Telegram's `message_id`, or Slack's `ts`. */
  readonly messageId: string;
  /** The queue message that sent it: a redelivery of that message must not edit what it sent. */
  readonly origin: string;
  /** Set when the message is one approver's own (it may hold their link). */
  readonly approver?: string | undefined;
}

export interface LiveMessageLog {
  /** Keeps the first message per (channel, recipient); a later one does not replace it. */
  remember(incidentId: string, message: LiveMessage): Promise<void>;
  list(incidentId: string): Promise<LiveMessage[]>;
}
