import type { z } from "zod";

/** Cloudflare Queues limits: at most 100 messages and 256 KB per sendBatch. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 250_000;

/** Structural subset of a Queue producer binding, so tests and adapters can pass their own. */
export interface QueueProducer<Body> {
  send(body: Body, options?: { delaySeconds?: number }): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: Body; delaySeconds?: number }>): Promise<unknown>;
}

/** Validates each message against its versioned schema, then sends them in as few batches as the limits allow. */
export async function publishAll<S extends z.ZodType>(queue: QueueProducer<z.infer<S>>, schema: S, messages: readonly z.input<S>[]): Promise<void> {
  const parsed = messages.map((message) => schema.parse(message) as z.infer<S>);
  for (const chunk of chunkForSendBatch(parsed)) {
    await queue.sendBatch(chunk.map((body) => ({ body })));
  }
}

export async function publish<S extends z.ZodType>(
  queue: QueueProducer<z.infer<S>>,
  schema: S,
  message: z.input<S>,
  options?: { delaySeconds?: number },
): Promise<void> {
  await queue.send(schema.parse(message) as z.infer<S>, options);
}

export function chunkForSendBatch<T>(bodies: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = JSON.stringify(body).length + 100;
    if (current.length > 0 && (current.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
