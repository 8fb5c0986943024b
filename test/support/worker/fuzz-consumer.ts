import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import fc from "fast-check";
import { expect } from "vitest";
import { FUZZ_RUNS } from "../fuzz.ts";

interface QueueWorker<E> {
  queue?: (batch: MessageBatch<unknown>, env: E, ctx: ExecutionContext) => Promise<void> | void;
}

/**
 * Feeds `cases` hostile message bodies to a queue consumer, 100 per batch (the
 * queue's largest), and checks the consumer never crashes and settles every
 * message — acked (handled or dead-lettered) or retried, never left hanging.
 */
export async function fuzzConsumer<E>(
  worker: QueueWorker<E>,
  env: E,
  queue: string,
  bodies: fc.Arbitrary<unknown>,
  cases = FUZZ_RUNS,
): Promise<{ acked: number; retried: number }> {
  let acked = 0;
  let retried = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(bodies, { minLength: 100, maxLength: 100 }), async (batchBodies) => {
      const ctx = createExecutionContext();
      const batch = createMessageBatch(
        queue,
        batchBodies.map((body, i) => ({ id: `fuzz-${i}-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts: 1 })),
      );
      await worker.queue!(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      const settled = new Set([...result.explicitAcks, ...result.retryMessages.map((m) => m.msgId)]);
      expect(settled.size + (result.ackAll ? batchBodies.length : 0)).toBeGreaterThanOrEqual(batchBodies.length);
      acked += result.explicitAcks.length;
      retried += result.retryMessages.length;
    }),
    { numRuns: Math.ceil(cases / 100) },
  );
  return { acked, retried };
}
