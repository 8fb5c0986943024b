import { AnalyzeQueueMessage } from "../../../shared/contracts/queue.ts";
import type { ParkingLot } from "../../../shared/ports/parking-lot.ts";

export interface DrainDeps {
  readonly parking: ParkingLot;
  readonly enqueue: (messages: readonly AnalyzeQueueMessage[]) => Promise<void>;
  readonly log: (event: Record<string, unknown>) => void;
}

/**
 * Re-enqueues parked messages, oldest first, in batches. A batch the queue
 * refuses goes back to the front of the lot and the drain stops until the next
 * tick. Entries that no longer parse are dropped with a log line rather than
 * blocking the lot forever.
 */
export async function drainParked(deps: DrainDeps, maxBatches = 20, batchSize = 100): Promise<{ enqueued: number; remaining: number }> {
  let enqueued = 0;
  for (let i = 0; i < maxBatches; i++) {
    const taken = await deps.parking.take(batchSize);
    if (taken.length === 0) break;
    const messages: AnalyzeQueueMessage[] = [];
    for (const entry of taken) {
      const parsed = AnalyzeQueueMessage.safeParse(entry);
      if (parsed.success) messages.push(parsed.data);
      else deps.log({ event: "parked_message_dropped", reason: parsed.error.issues[0]?.message });
    }
    try {
      await deps.enqueue(messages);
      enqueued += messages.length;
    } catch (error) {
      await deps.parking.putBack(messages);
      deps.log({ event: "parked_drain_failed", error: String(error) });
      break;
    }
  }
  const remaining = await deps.parking.size();
  if (enqueued > 0 || remaining > 0) deps.log({ event: "parked_drained", enqueued, remaining });
  return { enqueued, remaining };
}
