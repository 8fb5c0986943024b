import type * as z from "zod/v4";
import { deadLetter as deadLetterEnvelope } from "../contracts/envelopes.ts";
import { DeadLetterV1 as DeadLetterSchema, type DeadLetterV1 } from "../contracts/queue.ts";
import { createLog } from "../logging.ts";
import { publish, type QueueProducer } from "./publish.ts";

const log = createLog("queue-consumer");

/** A failure that no retry can fix (bad data, 4xx from a peer): the message goes to the dead-letter queue. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentError";
  }
}

/** A failure worth retrying after a delay the peer named (a 429's retry_after), rather than the usual backoff. */
export class RetryLaterError extends Error {
  readonly delaySeconds: number;

  constructor(message: string, delaySeconds: number) {
    super(message);
    this.name = "RetryLaterError";
    this.delaySeconds = delaySeconds;
  }
}

export interface QueueMessageLike {
  readonly id: string;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** What a queue handler receives: the queue's name (recorded on dead letters) and its messages. */
export interface BatchLike {
  readonly queue: string;
  readonly messages: readonly QueueMessageLike[];
}

export interface ConsumeOptions<S extends z.ZodType> {
  readonly schema: S;
  readonly deadLetters: QueueProducer<DeadLetterV1>;
  readonly handle: (message: z.infer<S>, meta: { id: string; attempts: number }) => Promise<void>;
  /** Retry delay for attempt n (1-based). Default 2^n seconds, at most 5 minutes. */
  readonly backoffSeconds?: (attempts: number) => number;
}

/**
 * Parse → handle → ack / retry / dead-letter, one message at a time. A message
 * that does not parse (including an unknown version) or fails permanently is
 * dead-lettered with the reason and acked; transient failures retry with backoff
 * and never affect the batch's other messages.
 */
export async function consume<S extends z.ZodType>(batch: BatchLike, consumeOptions: ConsumeOptions<S>): Promise<void> {
  const options = { ...consumeOptions, queue: batch.queue };
  const messages = batch.messages;
  const backoff = options.backoffSeconds ?? ((attempts: number) => Math.min(2 ** attempts, 300));
  for (const message of messages) {
    const parsed = options.schema.safeParse(message.body);
    if (!parsed.success) {
      await deadLetter(
        options,
        message,
        `does not match ${describe(message.body)}: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "(body)"} ${i.message}`)
          .join("; ")}`,
      );
      continue;
    }
    try {
      await options.handle(parsed.data, { id: message.id, attempts: message.attempts });
      message.ack();
    } catch (error) {
      if (error instanceof PermanentError) {
        await deadLetter(options, message, error.message);
      } else {
        console.error(
          JSON.stringify({
            queue: options.queue,
            messageId: message.id,
            attempts: message.attempts,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
        // Queues accept delays up to 12 hours.
        const delaySeconds = error instanceof RetryLaterError ? Math.min(Math.max(Math.ceil(error.delaySeconds), 1), 43_200) : backoff(message.attempts);
        message.retry({ delaySeconds });
      }
    }
  }
}

async function deadLetter(
  options: { readonly queue: string; readonly deadLetters: QueueProducer<DeadLetterV1> },
  message: QueueMessageLike,
  reason: string,
): Promise<void> {
  try {
    await publish(
      options.deadLetters,
      DeadLetterSchema,
      deadLetterEnvelope(
        { queue: options.queue, message_id: message.id, reason: reason.slice(0, 2_000), attempts: message.attempts, body: message.body },
        { id: `dlq:${options.queue}:${message.id}`, at: new Date(), correlationId: correlationOf(message.body) ?? message.id },
      ),
    );
    message.ack();
  } catch (error) {
    // Parking failed too: keep the message in its queue rather than lose it.
    log("dead_letter_failed", { queue: options.queue, messageId: message.id, error: String(error) });
    message.retry({ delaySeconds: 30 });
  }
}

function describe(body: unknown): string {
  if (body && typeof body === "object" && "type" in body && "version" in body) {
    return `a known schema (type ${JSON.stringify((body as { type: unknown }).type)}, version ${JSON.stringify((body as { version: unknown }).version)})`;
  }
  return "the queue's envelope schema";
}

function correlationOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && "correlationId" in body) {
    const value = (body as { correlationId: unknown }).correlationId;
    if (typeof value === "string" && value.length > 0 && value.length <= 200) return value;
  }
  return undefined;
}

/**
 * A function's queue entry: each batch gets the function's services for the
 * batch's lifetime (`scope`: its `withServices`, or `servicesFor` where it
 * holds no database) and is consumed with `options`, dead letters going to
 * the function's DEAD_LETTER_QUEUE.
 */
export function queueEntry<Env extends { readonly DEAD_LETTER_QUEUE: QueueProducer<DeadLetterV1> }, Services, S extends z.ZodType>(
  scope: <T>(env: Env, work: (services: Services) => Promise<T>) => Promise<T>,
  options: Omit<ConsumeOptions<S>, "deadLetters" | "handle"> & {
    readonly handle: (message: z.infer<S>, services: NoInfer<Services>, meta: { id: string; attempts: number }) => Promise<void>;
  },
): (batch: BatchLike, env: Env) => Promise<void> {
  return (batch, env) =>
    scope(env, (services) =>
      consume(batch, { ...options, deadLetters: env.DEAD_LETTER_QUEUE, handle: (message, meta) => options.handle(message, services, meta) }),
    );
}
