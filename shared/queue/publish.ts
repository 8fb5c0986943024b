import type * as z from "zod/v4";
import { jsonBytes, QUEUE_MESSAGE_MAX_BYTES } from "../domain/queue-fit.ts";

/** Cloudflare Queues limits: at most 100 messages and 256 KB per sendBatch. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 250_000;

/** Structural subset of a Queue producer binding, so tests and adapters can pass their own. */
export interface QueueProducer<Body> {
  send(body: Body, options?: { delaySeconds?: number }): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: Body; delaySeconds?: number }>): Promise<unknown>;
}

/** A message the queue would refuse for its size: sending it again cannot help. */
export class MessageTooLargeError extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super(`queue message is ${bytes} bytes, over the ${QUEUE_MESSAGE_MAX_BYTES}-byte limit`);
    this.name = "MessageTooLargeError";
    this.bytes = bytes;
  }
}

/** The message's serialized size, refused past the queue's limit; measured once, for the check and the batching. */
function checkedSize(body: unknown): number {
  const bytes = jsonBytes(body);
  if (bytes > QUEUE_MESSAGE_MAX_BYTES) throw new MessageTooLargeError(bytes);
  return bytes;
}

/** Validates each message against its versioned schema and size, then sends them in as few batches as the limits allow. */
export async function publishAll<S extends z.ZodType>(queue: QueueProducer<z.infer<S>>, schema: S, messages: readonly z.input<S>[]): Promise<void> {
  const parsed = messages.map((message) => schema.parse(message) as z.infer<S>);
  const sizes = parsed.map(checkedSize);
  for (const chunk of chunkForSendBatch(parsed, (_, i) => sizes[i]!)) {
    await queue.sendBatch(chunk.map((body) => ({ body })));
  }
}

export async function publish<S extends z.ZodType>(
  queue: QueueProducer<z.infer<S>>,
  schema: S,
  message: z.input<S>,
  options?: { delaySeconds?: number },
): Promise<void> {
  const body = schema.parse(message) as z.infer<S>;
  checkedSize(body);
  await queue.send(body, options);
}

/** Per-message overhead a batch counts beside the body (a conservative guess: Cloudflare does not publish it). */
const PER_MESSAGE_OVERHEAD_BYTES = 100;

export function chunkForSendBatch<T>(bodies: readonly T[], bytesOf: (body: T, index: number) => number = (body) => jsonBytes(body)): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const [index, body] of bodies.entries()) {
    // Limits count serialized UTF-8 bytes, not UTF-16 units: "🔥" is 2 units but 4 bytes.
    const size = bytesOf(body, index) + PER_MESSAGE_OVERHEAD_BYTES;
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
