import type { DeliveryOutcome } from "./channel-sender.ts";

export interface OutgoingMail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The same delivery always carries the same Message-ID, so a resent mail can be recognised as one. */
  readonly messageId: string;
}

/** One mail to its recipients. Never throws: every failure is a delivery outcome. */
export type MailSender = (mail: OutgoingMail) => Promise<DeliveryOutcome>;
