// A driver for the whole chain inside one workerd: each function's real
// handlers, its bindings built here, and the queues between them played by
// this driver — so a test can deliver every message three times, fail sends,
// or "restart" a consumer mid-batch, and then count what came out.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import analyze from "../../functions/analyze/src/index.ts";
import { createApp as createApproveApp } from "../../functions/approve/src/app.ts";
import approve from "../../functions/approve/src/index.ts";
import classify from "../../functions/classify/src/index.ts";
import notify from "../../functions/notify/src/index.ts";
import webhookReceive from "../../functions/webhook-receive/src/index.ts";
import { testEnv } from "../support/worker/env.ts";

type QueueName = "awoooi-analyze" | "awoooi-classify" | "awoooi-notify" | "awoooi-execute" | "awoooi-dead-letter";
interface Pending {
  readonly id: string;
  readonly body: unknown;
  attempts: number;
}
interface Consumer {
  queue?: (batch: MessageBatch<unknown>, env: never, ctx: ExecutionContext) => Promise<void> | void;
}

const CONSUMERS: Record<QueueName, Consumer> = {
  "awoooi-analyze": analyze as Consumer,
  "awoooi-classify": classify as Consumer,
  "awoooi-notify": notify as Consumer,
  "awoooi-execute": approve as Consumer,
  "awoooi-dead-letter": approve as Consumer,
};
/** As in the wrangler configs: retries before a message goes to the dead-letter queue. */
const MAX_RETRIES: Record<QueueName, number> = {
  "awoooi-analyze": 5,
  "awoooi-classify": 5,
  "awoooi-notify": 8,
  "awoooi-execute": 8,
  "awoooi-dead-letter": 10,
};

export interface PipelineOptions {
  /** Variables for every function (the fault's configuration). */
  readonly vars?: Record<string, string>;
  /** Each batch is delivered this many times (at-least-once delivery at its worst). */
  readonly deliveries?: number;
  /** The first delivery of each batch dies after its first message: side effects happen, acks are lost. */
  readonly restartMidBatch?: boolean;
  /** This many queue sends fail before sends succeed again. */
  readonly failingSends?: number;
}

export class Pipeline {
  readonly queues = new Map<QueueName, Pending[]>();
  /** How often the fault made something retry: messages redelivered, posts refused with 5xx/429. Proves the fault bit. */
  retries = 0;
  private failingSends: number;
  private generation = 0;
  private cached = new Map<string, { generation: number; vars: Record<string, string> | undefined; env: Record<string, unknown> }>();
  private options: PipelineOptions;

  constructor(options: PipelineOptions = {}) {
    this.options = options;
    this.failingSends = options.failingSends ?? 0;
  }

  /** The fault is over: later deliveries run with healthy settings. */
  heal(): void {
    this.options = { ...this.options, vars: {}, deliveries: 1, restartMidBatch: false };
    this.failingSends = 0;
  }

  private producer(queue: QueueName) {
    const push = (body: unknown) => {
      if (this.failingSends > 0) {
        this.failingSends -= 1;
        throw new Error("queue unavailable (injected)");
      }
      const list = this.queues.get(queue) ?? [];
      list.push({ id: `m-${crypto.randomUUID()}`, body, attempts: 1 });
      this.queues.set(queue, list);
    };
    return {
      send: async (body: unknown) => push(body),
      sendBatch: async (messages: Iterable<{ body: unknown }>) => {
        for (const m of messages) push(m.body);
      },
    };
  }

  /**
   * A function's env: one object per function (as on the platform, where each
   * Worker has its own), and a new one per "generation", so a restart also
   * drops the per-isolate caches keyed by it.
   */
  env(fn: string): Record<string, unknown> {
    const cached = this.cached.get(fn);
    if (cached && cached.generation === this.generation && cached.vars === this.options.vars) return cached.env;
    const env = {
      ...testEnv,
      RATE_LIMIT_PER_MINUTE: "100000",
      ...this.options.vars,
      __generation: this.generation,
      ANALYZE_QUEUE: this.producer("awoooi-analyze"),
      CLASSIFY_QUEUE: this.producer("awoooi-classify"),
      NOTIFY_QUEUE: this.producer("awoooi-notify"),
      EXECUTE_QUEUE: this.producer("awoooi-execute"),
      DEAD_LETTER_QUEUE: this.producer("awoooi-dead-letter"),
    };
    this.cached.set(fn, { generation: this.generation, vars: this.options.vars, env });
    return env;
  }

  /** Posts alerts as Alertmanager does, retrying 5xx and 429 a few times like a sender would. */
  async post(body: unknown, attempts = 5): Promise<number> {
    let status = 0;
    for (let i = 0; i < attempts; i++) {
      const ctx = createExecutionContext();
      const response = await webhookReceive.fetch!(
        new Request("https://awoooi.test/api/v1/webhooks/alertmanager", {
          method: "POST",
          headers: { Authorization: `Bearer ${testEnv.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        }) as never,
        this.env("webhook-receive") as never,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      status = response.status;
      await response.body?.cancel();
      if (status < 500 && status !== 429) return status;
      this.retries += 1;
    }
    return status;
  }

  /** A form POST to an approve route (an approver's click on the confirm page, with the digest it showed). */
  async decide(link: string, decision: "approve" | "reject"): Promise<number> {
    const url = new URL(link);
    const pageCtx = createExecutionContext();
    const page = await createApproveApp().fetch(new Request(link), this.env("approve") as never, pageCtx);
    await waitOnExecutionContext(pageCtx);
    const digest = /name="action_digest" value="([0-9a-f]{64})"/.exec(await page.text())?.[1];
    const ctx = createExecutionContext();
    const response = await createApproveApp().fetch(
      new Request(`${url.origin}${url.pathname}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision, ...(digest ? { action_digest: digest } : {}) }).toString(),
      }),
      this.env("approve") as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await response.body?.cancel();
    return response.status;
  }

  /** Delivers until every queue is empty (or `rounds` run out), as the platform would. */
  async drain(rounds = 60): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      const next = ([...this.queues.entries()] as Array<[QueueName, Pending[]]>).find(([, list]) => list.length > 0);
      if (!next) return;
      const [queue, list] = next;
      const batch = list.splice(0, 10);
      await this.deliver(queue, batch);
    }
  }

  private async deliver(queue: QueueName, batch: Pending[]): Promise<void> {
    const consumer = CONSUMERS[queue];
    const copies = this.options.deliveries ?? 1;
    if (this.options.restartMidBatch && batch.length > 0 && batch[0]!.attempts === 1) {
      // The first message is handled, then the isolate dies: nothing of the batch is acked.
      await this.run(consumer, queue, batch.slice(0, 1));
      this.generation += 1;
      this.retries += batch.length;
      for (const m of batch) m.attempts += 1;
    }
    let settled: { acked: Set<string>; retried: Set<string> } = { acked: new Set(), retried: new Set() };
    for (let copy = 0; copy < copies; copy++) settled = await this.run(consumer, queue, batch);
    for (const message of batch) {
      if (settled.acked.has(message.id)) continue;
      this.retries += 1;
      message.attempts += 1;
      if (message.attempts > MAX_RETRIES[queue] + 1) {
        if (queue !== "awoooi-dead-letter") this.producer("awoooi-dead-letter").send(message.body);
        continue;
      }
      (this.queues.get(queue) ?? this.queues.set(queue, []).get(queue)!).push(message);
    }
  }

  private async run(consumer: Consumer, queue: QueueName, batch: Pending[]) {
    const ctx = createExecutionContext();
    const messages = createMessageBatch(
      queue,
      batch.map((m) => ({ id: m.id, timestamp: new Date(), body: m.body, attempts: m.attempts })),
    );
    await consumer.queue!(messages, this.env(queue === "awoooi-execute" || queue === "awoooi-dead-letter" ? "approve" : queue) as never, ctx);
    const result = await getQueueResult(messages, ctx);
    return { acked: new Set(result.explicitAcks), retried: new Set(result.retryMessages.map((m) => m.msgId)) };
  }
}
