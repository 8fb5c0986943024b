export interface DeadLetterRecord {
  readonly id: string;
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly attempts: number;
  readonly body: unknown;
  readonly receivedAt: Date;
}

export interface DeadLetterEntry {
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly attempts: number;
  readonly body: unknown;
}

/** Where messages that could not be handled are kept for ops to read and replay. */
export interface DeadLetterStore {
  /** Idempotent on (queue, messageId). */
  record(entry: DeadLetterEntry): Promise<void>;
  /** A whole batch in one statement; idempotent on (queue, messageId) like `record`. */
  recordAll(entries: readonly DeadLetterEntry[]): Promise<void>;
  /** Newest first; `before` continues after the last id of a previous page. */
  list(filter: { queue?: string | undefined; since?: Date | undefined; limit: number; before?: string | undefined }): Promise<DeadLetterRecord[]>;
}
