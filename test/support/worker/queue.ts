import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";

interface QueueWorker<E> {
  queue?: (batch: MessageBatch<unknown>, env: E, ctx: ExecutionContext) => Promise<void> | void;
}

/** Delivers bodies to a worker's queue handler as one batch and returns what it acked or retried. */
export async function deliver<E>(worker: QueueWorker<E>, env: E, queue: string, bodies: unknown[], attempts = 1) {
  const ctx = createExecutionContext();
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts })),
  );
  await worker.queue!(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { batch, result };
}
