export interface DeadLetterRecord {
  readonly id: string;
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly attempts: number;
  readonly body: unknown;
  readonly receivedAt: Date;
}

/** Where messages that could not be handled are kept for ops to read and replay. */
export interface DeadLetterStore {
  /** Idempotent on (queue, messageId). */
  record(entry: { queue: string; messageId: string; reason: string; attempts: number; body: unknown }): Promise<void>;
  /** Newest first; `before` continues after the last id of a previous page. */
  list(filter: { queue?: string | undefined; since?: Date | undefined; limit: number; before?: string | undefined }): Promise<DeadLetterRecord[]>;
}
