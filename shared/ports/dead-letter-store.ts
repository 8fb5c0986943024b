/** Where messages that could not be handled are kept for ops to read and replay. */
export interface DeadLetterStore {
  /** Idempotent on (queue, messageId). */
  record(entry: { queue: string; messageId: string; reason: string; attempts: number; body: unknown }): Promise<void>;
}
