import { deadLetter } from "../../../shared/contracts/envelopes.ts";
import { AnalyzeQueueMessage, type DeadLetterV1 } from "../../../shared/contracts/queue.ts";
import { clip } from "../../../shared/domain/text.ts";
import type { Log } from "../../../shared/logging.ts";
import type { ParkedEntry, ParkingLot } from "../../../shared/ports/parking-lot.ts";
import { MessageTooLargeError } from "../../../shared/queue/publish.ts";

export interface DrainDeps {
  readonly parking: ParkingLot;
  readonly enqueue: (messages: readonly AnalyzeQueueMessage[]) => Promise<void>;
  /** Where a message that can never be enqueued goes, with its reason. */
  readonly deadLetter: (message: DeadLetterV1) => Promise<void>;
  readonly log: Log;
  readonly now: () => Date;
}

/** Failed drains of one message (one per cron tick) before it is taken for poison and dead-lettered. */
export const MAX_PARKED_FAILURES = 5;

/**
 * Re-enqueues parked messages, oldest first, in batches. Nothing leaves the lot
 * before its enqueue succeeded: entries are claimed, then settled once sent or
 * released when the queue refuses. When a batch is refused, its messages are
 * tried one by one so a single poison message (unparseable, too large, or
 * refused on every tick) is dead-lettered with its reason instead of blocking
 * the lot; a queue that refuses everything stops the drain until the next tick.
 */
export async function drainParked(deps: DrainDeps, maxBatches = 20, batchSize = 100): Promise<{ enqueued: number; deadLettered: number; remaining: number }> {
  let enqueued = 0;
  let deadLettered = 0;
  try {
    for (let i = 0; i < maxBatches; i++) {
      const claimed = await deps.parking.claim(batchSize);
      if (claimed.length === 0) break;
      const valid: Array<{ entry: ParkedEntry; message: AnalyzeQueueMessage }> = [];
      for (const entry of claimed) {
        const parsed = AnalyzeQueueMessage.safeParse(entry.body);
        if (parsed.success) valid.push({ entry, message: parsed.data });
        else if (await poison(deps, entry, `parked entry is not an analyze message: ${parsed.error.issues[0]?.message ?? "unparseable"}`)) deadLettered++;
      }
      try {
        await deps.enqueue(valid.map((v) => v.message));
        await deps.parking.settle(valid.map((v) => v.entry));
        enqueued += valid.length;
        continue;
      } catch (error) {
        deps.log("parked_batch_refused", { messages: valid.length, error: String(error) });
      }
      const one = await oneByOne(deps, valid);
      enqueued += one.enqueued;
      deadLettered += one.deadLettered;
      if (one.stopped) break;
    }
  } finally {
    await deps.parking.endDrain().catch(() => undefined);
  }
  const remaining = await deps.parking.size();
  if (enqueued > 0 || deadLettered > 0 || remaining > 0) deps.log("parked_drained", { enqueued, deadLettered, remaining });
  return { enqueued, deadLettered, remaining };
}

async function oneByOne(deps: DrainDeps, batch: ReadonlyArray<{ entry: ParkedEntry; message: AnalyzeQueueMessage }>) {
  let enqueued = 0;
  let deadLettered = 0;
  for (const [i, { entry, message }] of batch.entries()) {
    try {
      await deps.enqueue([message]);
      await deps.parking.settle([entry]);
      enqueued++;
    } catch (error) {
      const failures = error instanceof MessageTooLargeError ? MAX_PARKED_FAILURES : await deps.parking.recordFailure(entry).catch(() => 1);
      if (failures >= MAX_PARKED_FAILURES) {
        const why = error instanceof MessageTooLargeError ? "too large for the queue" : `refused by the queue on ${failures} drains`;
        if (await poison(deps, entry, `${why}: ${String(error).slice(0, 300)}`)) deadLettered++;
        continue;
      }
      // The queue refuses even a single ordinary message: it is down. Keep the rest for the next tick.
      await deps.parking.release(batch.slice(i).map((b) => b.entry));
      deps.log("parked_drain_failed", { error: String(error) });
      return { enqueued, deadLettered, stopped: true };
    }
  }
  return { enqueued, deadLettered, stopped: false };
}

/** Dead-letters a parked entry with its reason; if even that fails it stays in the lot. */
async function poison(deps: DrainDeps, entry: ParkedEntry, reason: string): Promise<boolean> {
  const id = (entry.body as { id?: unknown } | null)?.id;
  const messageId = typeof id === "string" ? id : `parked:${entry.raw.length}:${clip(entry.raw, 64)}`;
  try {
    await deps.deadLetter(
      deadLetter(
        { queue: "awoooi-parked", message_id: messageId, reason: reason.slice(0, 2_000), attempts: MAX_PARKED_FAILURES, body: clip(entry.raw, 16_000) },
        { id: `dlq:awoooi-parked:${messageId}`, at: deps.now(), correlationId: messageId },
      ),
    );
    await deps.parking.settle([entry]);
    deps.log("parked_message_dead_lettered", { messageId, reason });
    return true;
  } catch (error) {
    await deps.parking.release([entry]);
    deps.log("parked_dead_letter_failed", { messageId, error: String(error) });
    return false;
  }
}
