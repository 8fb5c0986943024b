import { DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { createLog } from "../../../shared/logging.ts";
import type { DeadLetterEntry, DeadLetterStore } from "../../../shared/ports/dead-letter-store.ts";
import { type Metrics, noMetrics } from "../../../shared/ports/metrics.ts";
import type { QueueMessageLike } from "../../../shared/queue/consume.ts";

/**
 * Records what landed in the dead-letter queue: our own envelopes (parked by a
 * consumer with a reason) and raw messages that exhausted their retries.
 * Each is acked only once stored; a storage failure retries the message.
 */
const log = createLog("approve");

export async function recordDeadLetters(messages: readonly QueueMessageLike[], store: DeadLetterStore, metrics: Metrics = noMetrics): Promise<void> {
  const entries = messages.map(entryOf);
  try {
    // One statement for the batch: a dead-letter flood is exactly when per-row round trips hurt.
    await store.recordAll(entries);
  } catch (error) {
    log("dead_letter_batch_failed", { error: String(error), messages: messages.length });
    // One row may be the reason: store the rest one by one, retrying only what fails.
    for (const [i, message] of messages.entries()) {
      try {
        await store.record(entries[i]!);
        await settle(message, entries[i]!, metrics);
      } catch (rowError) {
        log("dead_letter_store_failed", { error: String(rowError), messageId: message.id });
        message.retry({ delaySeconds: 30 });
      }
    }
    return;
  }
  for (const message of messages) message.ack();
  log("dead_letters_recorded", { entries: entries.map(({ queue, messageId, reason }) => ({ queue, messageId, reason: reason.slice(0, 200) })) });
  await Promise.all(
    Object.entries(Object.groupBy(entries, (entry) => entry.queue)).map(([queue, group]) =>
      metrics.increment("awoooi_dead_letters_total", { queue }, group!.length),
    ),
  );
}

function entryOf(message: QueueMessageLike): DeadLetterEntry {
  const parked = DeadLetterV1.safeParse(message.body);
  return parked.success
    ? {
        queue: parked.data.payload.queue,
        messageId: parked.data.payload.message_id,
        reason: parked.data.payload.reason,
        attempts: parked.data.payload.attempts,
        body: parked.data.payload.body,
      }
    : { queue: "(retries exhausted)", messageId: message.id, reason: "delivery retries exhausted", attempts: message.attempts, body: message.body };
}

async function settle(message: QueueMessageLike, entry: DeadLetterEntry, metrics: Metrics): Promise<void> {
  await metrics.increment("awoooi_dead_letters_total", { queue: entry.queue });
  log("dead_letter_recorded", { queue: entry.queue, messageId: entry.messageId, reason: entry.reason });
  message.ack();
}
