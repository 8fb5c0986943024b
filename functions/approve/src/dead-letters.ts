import { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import type { DeadLetterStore } from "../../../shared/ports/dead-letter-store.ts";
import { type Metrics, noMetrics } from "../../../shared/ports/metrics.ts";
import type { QueueMessageLike } from "../../../shared/queue/consume.ts";

/**
 * Records what landed in the dead-letter queue: our own envelopes (parked by a
 * consumer with a reason) and raw messages that exhausted their retries.
 * Each is acked only once stored; a storage failure retries the message.
 */
export async function recordDeadLetters(messages: readonly QueueMessageLike[], store: DeadLetterStore, metrics: Metrics = noMetrics): Promise<void> {
  for (const message of messages) {
    const parked = DeadLetterV1.safeParse(message.body);
    const entry = parked.success
      ? {
          queue: parked.data.payload.queue,
          messageId: parked.data.payload.message_id,
          reason: parked.data.payload.reason,
          attempts: parked.data.payload.attempts,
          body: parked.data.payload.body,
        }
      : { queue: "(retries exhausted)", messageId: message.id, reason: "delivery retries exhausted", attempts: message.attempts, body: message.body };
    try {
      await store.record(entry);
      await metrics.increment("awoooi_dead_letters_total", { queue: entry.queue });
      console.error(JSON.stringify({ deadLetter: { queue: entry.queue, messageId: entry.messageId, reason: entry.reason } }));
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ deadLetterStoreFailed: String(error), messageId: message.id }));
      message.retry({ delaySeconds: 30 });
    }
  }
}
